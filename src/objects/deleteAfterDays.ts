import type { Client } from "../client.ts";
import type { Result } from "../result.ts";
import { deleteAfterDaysOp } from "./batchOps.ts";
import { type OpOptions, sendOp } from "./sendOp.ts";

/** Options of {@link deleteAfterDays}. */
export type DeleteAfterDaysOptions = OpOptions;

/**
 * Sets the lifetime of an object: the service deletes it `days` days after it was written; 0
 * cancels a lifetime set before. `stat` then gives the moment as `expiration`.
 *
 * @param client - The client whose bucket holds the object.
 * @param key - The object's key.
 * @param days - Days after the upload, or 0 to keep the object.
 * @param options - A signal.
 * @returns `{}`; `not_found` (612) when there is no such object.
 * @example
 * const result = await deleteAfterDays(client, "tmp/export.csv", 7);
 * if (!result.ok) console.error(result.error.code);
 */
export function deleteAfterDays(
  client: Client,
  key: string,
  days: number,
  options?: DeleteAfterDaysOptions,
): Promise<Result<Record<string, never>>> {
  return sendOp(client, deleteAfterDaysOp(key, days), options);
}
