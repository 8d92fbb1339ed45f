import type { Client } from "../client.ts";
import { invalidInput } from "../errors.ts";
import { fail, type Result } from "../result.ts";
import { copyOp } from "./batchOps.ts";
import { sendOp } from "./sendOp.ts";

/** Options of {@link copy}. */
export interface CopyOptions {
  /** Replace an object already at `to`; without it the copy fails with `exists` (614). */
  force?: boolean | undefined;
  /** The bucket to copy into; the client's bucket by default. */
  toBucket?: string | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Copies an object, within the client's bucket or into another one. Without `force` a copy is
 * not safe to repeat (the second one finds the first one's copy), so it is never retried once
 * sent.
 *
 * @param client - The client whose bucket holds the object.
 * @param from - The object's key.
 * @param to - The key of the copy.
 * @param options - `force` to replace an object at `to`, `toBucket`, a signal.
 * @returns `{}`; `not_found` (612) when `from` does not exist, `exists` (614) when `to` does and
 *   `force` is not set, `no_such_bucket` (631) for an unknown bucket.
 * @example
 * const result = await copy(client, "cat.jpg", "cat.jpg", { toBucket: "backup" });
 * if (!result.ok) console.error(result.error.code);
 */
export async function copy(
  client: Client,
  from: string,
  to: string,
  options?: CopyOptions,
): Promise<Result<Record<string, never>>> {
  if (options?.force !== undefined && typeof options.force !== "boolean") {
    return fail(invalidInput("options.force: expected a boolean"));
  }
  const op = copyOp(from, to, { force: options?.force, toBucket: options?.toBucket });
  return sendOp(client, op, options);
}
