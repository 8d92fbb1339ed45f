import type { Client } from "../client.ts";
import type { Result } from "../result.ts";
import { changeTypeOp } from "./batchOps.ts";
import { type OpOptions, sendOp } from "./sendOp.ts";

/** Options of {@link changeType}. */
export type ChangeTypeOptions = OpOptions;

/**
 * Changes the storage class of an object: 0 standard, 1 infrequent access, 2 archive, 3 deep
 * archive, 4 archive with instant retrieval.
 *
 * @param client - The client whose bucket holds the object.
 * @param key - The object's key.
 * @param type - The new storage class.
 * @param options - A signal.
 * @returns `{}`; `not_found` (612) when there is no such object.
 * @example
 * const result = await changeType(client, "logs/2023.tar", 2);
 * if (!result.ok) console.error(result.error.code);
 */
export function changeType(
  client: Client,
  key: string,
  type: number,
  options?: ChangeTypeOptions,
): Promise<Result<Record<string, never>>> {
  return sendOp(client, changeTypeOp(key, type), options);
}
