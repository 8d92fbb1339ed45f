import type { Exchange } from "../exchange.ts";
import { empty, failure, json, type Reply } from "../http/reply.ts";
import { type OpResult, runOperation } from "./objectOps.ts";

/** The most operations one batch may hold, as the service documents. */
const maxBatchOps = 1000;

/** An operation's outcome as the response of its own route. */
function toReply(result: OpResult): Reply {
  if (result.code !== 200) return json(result.code, result.data);
  return result.data === undefined ? empty(200) : json(200, result.data);
}

/**
 * The single-object routes of rs: stat, delete, move, copy, chgm, chtype, chstatus,
 * deleteAfterDays, lifecycle and restoreAr.
 *
 * @param exchange - The request; its path names the operation.
 * @returns The operation's answer.
 */
export async function objectRoute(exchange: Exchange): Promise<Reply> {
  return toReply(await runOperation(exchange.ctx, exchange.segments, exchange.query));
}

/**
 * `POST /batch` with `op=<path>&op=…` (in the body, or in the query as in 2012): runs each
 * operation in order.
 *
 * @param exchange - The request.
 * @param payload - The body.
 * @returns The `[{code, data}]` list: 200 when every op succeeded, 298 otherwise.
 */
export async function batch(exchange: Exchange, payload: Uint8Array): Promise<Reply> {
  const form = new URLSearchParams(new TextDecoder().decode(payload));
  const ops = [...exchange.query.getAll("op"), ...form.getAll("op")];
  if (ops.length === 0) return failure(400, "empty op");
  if (ops.length > maxBatchOps) return failure(400, `too many ops, at most ${maxBatchOps}`);

  const results: OpResult[] = [];
  for (const op of ops) {
    const [path = "", search = ""] = op.split("?", 2);
    const segments = path.replace(/^\/+/, "").split("/");
    results.push(await runOperation(exchange.ctx, segments, new URLSearchParams(search)));
  }
  const allDone = results.every((result) => result.code === 200);
  return json(allDone ? 200 : 298, results);
}
