import type { Client } from "../client.ts";
import type { Result } from "../result.ts";
import { changeMimeOp } from "./batchOps.ts";
import { type OpOptions, sendOp } from "./sendOp.ts";

/** Options of {@link changeMime}. */
export type ChangeMimeOptions = OpOptions;

/**
 * Changes the MIME type an object is stored with, and served with on download.
 *
 * @param client - The client whose bucket holds the object.
 * @param key - The object's key.
 * @param mimeType - The new type, such as `text/plain; charset=utf-8`.
 * @param options - A signal.
 * @returns `{}`; `not_found` (612) when there is no such object.
 * @example
 * const result = await changeMime(client, "notes.md", "text/markdown");
 * if (!result.ok) console.error(result.error.code);
 */
export function changeMime(
  client: Client,
  key: string,
  mimeType: string,
  options?: ChangeMimeOptions,
): Promise<Result<Record<string, never>>> {
  return sendOp(client, changeMimeOp(key, mimeType), options);
}
