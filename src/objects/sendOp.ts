import type { Client } from "../client.ts";
import { callRaw } from "../http/callService.ts";
import { fail, ok, type Result } from "../result.ts";
import { checkOptions } from "../validate.ts";
import type { BatchOp } from "./batchOps.ts";

/** The options every single-op operation takes. */
export interface OpOptions {
  signal?: AbortSignal | undefined;
}

/**
 * Sends one batch op on its own, as a request to the rs service whose answer has no body worth
 * reading: the path the op builds, the op's own idempotency.
 *
 * @param client - The client whose bucket the op applies to, unless the op names another.
 * @param op - An op made by `moveOp`, `copyOp`, `changeMimeOp` … (not `statOp`).
 * @param options - A signal.
 * @returns `{}`, or the error of the op, or `invalid_input` (nothing sent) for a bad op.
 * @example
 * const moved = await sendOp(client, moveOp("a.txt", "b.txt"), { signal });
 */
export async function sendOp(
  client: Client,
  op: BatchOp,
  options: OpOptions | undefined,
): Promise<Result<Record<string, never>>> {
  const problem = op.problem ?? checkOptions(options);
  if (problem !== undefined) return fail(problem);

  const reply = await callRaw(client, "rs", {
    method: "POST",
    path: op.path(client.bucket),
    expect: "empty",
    idempotent: op.idempotent,
    // A delete repeated after its answer was lost finds the object gone: what was asked for.
    acceptWhenRepeated: op.kind === "delete" ? [612] : undefined,
    signal: options?.signal,
  });
  return reply.ok ? ok({}) : reply;
}
