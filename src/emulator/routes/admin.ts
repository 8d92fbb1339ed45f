import type { Exchange } from "../exchange.ts";
import { errors, failure, json, type Reply } from "../http/reply.ts";

/**
 * The unsigned admin routes, for tests driving the emulator from another process:
 *
 * - `GET /__emulator` — url, hosts, access key and buckets;
 * - `GET /__emulator/stats` — requests and bytes per route;
 * - `GET /__emulator/requests` — the recorded requests;
 * - `GET /__emulator/faults` — the fault rules in force;
 * - `POST /__emulator/faults` — adds the fault rule of the JSON body;
 * - `DELETE /__emulator/faults` — removes every fault rule;
 * - `POST /__emulator/reset` — forgets the stats and the records and removes the faults.
 *
 * @param exchange - The request.
 * @returns The answer; admin requests are neither counted nor recorded.
 */
export async function adminRoute(exchange: Exchange): Promise<Reply> {
  const { ctx, method } = exchange;
  const what = exchange.segments[1] ?? "";
  if (exchange.segments.length > 2) return errors.notFound();

  if (what === "" && method === "GET") {
    return json(200, {
      url: `http://${ctx.hosts[0]}`,
      hosts: ctx.hosts,
      accessKey: ctx.credentials.accessKey,
      buckets: ctx.catalog.buckets().map((bucket) => bucket.name),
    });
  }
  if (what === "stats" && method === "GET") return json(200, ctx.recorder.stats());
  if (what === "requests" && method === "GET") return json(200, ctx.recorder.requests());
  if (what === "faults" && method === "GET") return json(200, ctx.faults.list());
  if (what === "faults" && method === "DELETE") {
    ctx.faults.clear();
    return json(200, {});
  }
  if (what === "faults" && method === "POST") {
    const body = await exchange.body.bytes(64 * 1024);
    let rule: unknown;
    try {
      rule = JSON.parse(new TextDecoder().decode(body ?? new Uint8Array()));
    } catch {
      return failure(400, "the body must be a JSON fault rule");
    }
    const problem = ctx.faults.add(rule);
    return problem === undefined ? json(200, {}) : failure(400, problem);
  }
  if (what === "reset" && method === "POST") {
    ctx.recorder.reset();
    ctx.faults.clear();
    return json(200, {});
  }
  return errors.notFound();
}
