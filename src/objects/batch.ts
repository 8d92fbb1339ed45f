import type { Client } from "../client.ts";
import { codeForStatus, invalidInput, isRetryableStatus, KodoError } from "../errors.ts";
import { callJson } from "../http/callService.ts";
import { fail, ok, type Result } from "../result.ts";
import { checkResponse, describeIssues, type Infer, lazySchema } from "../schema.ts";
import { checkOptions } from "../validate.ts";
import type { BatchOp } from "./batchOps.ts";
import { type StatData, statAnswer, toStatData } from "./statData.ts";

/** The most ops the service takes in one request. */
export const maxBatchOps = 1000;

/** Options of {@link batch}. */
export interface BatchOptions {
  signal?: AbortSignal | undefined;
}

/** What one op of a batch gave: its key, and for a stat the object's attributes. */
export interface BatchItemData {
  key: string;
  stat?: StatData;
}

const answerSchema = lazySchema(() => import("./batchSchema.ts").then((m) => m.answerSchema));

/**
 * Runs many object operations in as few requests as the service allows (1,000 ops each), and
 * gives a `Result` per op, in order. A partial failure (298) is not a failure of the call.
 *
 * @param client - The client whose bucket the ops apply to (unless an op names another).
 * @param ops - Ops made by `statOp`, `removeOp`, `moveOp`, `copyOp`, `changeMimeOp` …
 * @returns One `Result` per op; the call itself fails only for bad input, or when no request
 *   got an answer.
 * @example
 * const result = await batch(client, [statOp("a.txt"), removeOp("b.txt")]);
 * if (result.ok) for (const item of result.data) console.log(item.ok || item.error.code);
 */
export async function batch(
  client: Client,
  ops: readonly BatchOp[],
  options?: BatchOptions,
): Promise<Result<Result<BatchItemData>[]>> {
  const problem = checkOptions(options) ?? checkOps(ops);
  if (problem !== undefined) return fail(problem);

  // A request that fails as a whole fails each of its ops; if all failed, so does the call.
  const results: Result<BatchItemData>[] = [];
  let answeredOnce = ops.length === 0;
  let firstError: KodoError | undefined;
  for (let start = 0; start < ops.length; start += maxBatchOps) {
    const chunk = ops.slice(start, start + maxBatchOps);
    const answered = await sendChunk(client, chunk, options?.signal);
    if (answered.ok) {
      answeredOnce = true;
      results.push(...answered.data);
    } else {
      firstError ??= answered.error;
      results.push(...chunk.map(() => fail<BatchItemData>(answered.error)));
    }
  }
  return answeredOnce || firstError === undefined ? ok(results) : fail(firstError);
}

function checkOps(ops: readonly BatchOp[]): KodoError | undefined {
  if (!Array.isArray(ops)) return invalidInput("ops: expected an array of batch ops");
  for (const [index, op] of ops.entries()) {
    if (typeof op !== "object" || op === null || typeof op.path !== "function") {
      return invalidInput(`ops[${index}]: expected an op made by statOp, removeOp, moveOp …`);
    }
    if (op.problem !== undefined) return invalidInput(`ops[${index}]: ${op.problem.message}`);
  }
  return undefined;
}

async function sendChunk(
  client: Client,
  chunk: readonly BatchOp[],
  signal: AbortSignal | undefined,
): Promise<Result<Result<BatchItemData>[]>> {
  const body = chunk.map((op) => `op=${encodeURIComponent(op.path(client.bucket))}`).join("&");
  const reply = await callJson(client, "rs", {
    method: "POST",
    path: "/batch",
    contentType: "application/x-www-form-urlencoded",
    body,
    schema: answerSchema,
    acceptStatuses: [298],
    idempotent: chunk.every((op) => op.idempotent),
    signal,
  });
  if (!reply.ok) return reply;

  const answers = reply.data.data;
  if (answers.length !== chunk.length) {
    const message = `batch answered ${answers.length} results for ${chunk.length} ops`;
    return fail(new KodoError({ code: "invalid_response", message, reqId: reply.data.reqId }));
  }
  return ok(await Promise.all(chunk.map((op, i) => toItem(op, answers[i]!, reply.data.reqId))));
}

async function toItem(
  op: BatchOp,
  answer: Infer<typeof answerSchema>[number],
  reqId: string | undefined,
): Promise<Result<BatchItemData>> {
  if (answer.code !== 200) {
    const message = answer.data?.error ?? `status ${answer.code}`;
    const status = answer.code;
    const retryable = isRetryableStatus(status);
    return fail(new KodoError({ code: codeForStatus(status), status, message, reqId, retryable }));
  }
  if (op.kind !== "stat") return ok({ key: op.key });

  const checked = await checkResponse(statAnswer, answer.data);
  if (!checked.ok) {
    const message = `stat of ${op.key}: ${describeIssues(checked.issues)}`;
    return fail(
      new KodoError({ code: "invalid_response", message, issues: checked.issues, reqId }),
    );
  }
  return ok({ key: op.key, stat: toStatData(checked.value) });
}
