import type { Client } from "../client.ts";
import type { Result } from "../result.ts";
import { changeStatusOp } from "./batchOps.ts";
import { type OpOptions, sendOp } from "./sendOp.ts";

/** Options of {@link changeStatus}. */
export type ChangeStatusOptions = OpOptions;

/**
 * Disables (1) or enables (0) an object: a disabled object is kept but not served on download.
 *
 * @param client - The client whose bucket holds the object.
 * @param key - The object's key.
 * @param status - 1 to disable, 0 to enable.
 * @param options - A signal.
 * @returns `{}`; `bad_request` (400) when the object is already in that state, `not_found`
 *   (612) when there is no such object.
 * @example
 * const result = await changeStatus(client, "leaked.pdf", 1);
 * if (!result.ok) console.error(result.error.message);
 */
export function changeStatus(
  client: Client,
  key: string,
  status: 0 | 1,
  options?: ChangeStatusOptions,
): Promise<Result<Record<string, never>>> {
  return sendOp(client, changeStatusOp(key, status), options);
}
