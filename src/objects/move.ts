import type { Client } from "../client.ts";
import { invalidInput } from "../errors.ts";
import { fail, type Result } from "../result.ts";
import { moveOp } from "./batchOps.ts";
import { sendOp } from "./sendOp.ts";

/** Options of {@link move}. */
export interface MoveOptions {
  /** Replace an object already at `to`; without it the move fails with `exists` (614). */
  force?: boolean | undefined;
  /** The bucket to move into; the client's bucket by default. */
  toBucket?: string | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Moves (renames) an object, within the client's bucket or into another one. Without `force` a
 * move is not safe to repeat (the second one finds no source), so it is never retried once sent.
 *
 * @param client - The client whose bucket holds the object.
 * @param from - The object's key.
 * @param to - Its new key.
 * @param options - `force` to replace an object at `to`, `toBucket`, a signal.
 * @returns `{}`; `not_found` (612) when `from` does not exist, `exists` (614) when `to` does and
 *   `force` is not set, `no_such_bucket` (631) for an unknown bucket.
 * @example
 * const result = await move(client, "inbox/cat.jpg", "archive/cat.jpg", { force: true });
 * if (!result.ok) console.error(result.error.code);
 */
export async function move(
  client: Client,
  from: string,
  to: string,
  options?: MoveOptions,
): Promise<Result<Record<string, never>>> {
  if (options?.force !== undefined && typeof options.force !== "boolean") {
    return fail(invalidInput("options.force: expected a boolean"));
  }
  const op = moveOp(from, to, { force: options?.force, toBucket: options?.toBucket });
  return sendOp(client, op, options);
}
