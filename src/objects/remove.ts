import type { Client } from "../client.ts";
import type { Result } from "../result.ts";
import { removeOp } from "./batchOps.ts";
import { sendOp } from "./sendOp.ts";

/** Options of {@link remove}. */
export interface RemoveOptions {
  signal?: AbortSignal | undefined;
}

/**
 * Deletes an object.
 *
 * @param client - The client whose bucket holds the object.
 * @param key - The object's key.
 * @returns `{}`; `not_found` (612) when there is no such object. A delete repeated because its
 *   first answer was lost (a network error after the request went out) succeeds on 612: the
 *   object is gone either way.
 * @example
 * const result = await remove(client, "old/cat.jpg");
 * if (!result.ok && result.error.code !== "not_found") throw result.error;
 */
export function remove(
  client: Client,
  key: string,
  options?: RemoveOptions,
): Promise<Result<Record<string, never>>> {
  // The same path as the batch op, built in one place.
  return sendOp(client, removeOp(key), options);
}
