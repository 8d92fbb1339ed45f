import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { checkManagementAuth } from "./auth.ts";
import { type EmulatorContext, type Exchange, flatHeaders, type Route } from "./exchange.ts";
import { BodyTooLarge, RequestBody } from "./http/body.ts";
import { errors, failure, type Reply } from "./http/reply.ts";
import { discard, send } from "./http/send.ts";
import { resolveRoute } from "./router.ts";
import type { FaultRule } from "./types.ts";

/** The largest body of a management request (a batch of 1000 ops is far below it). */
const maxManagementBody = 16 * 1024 * 1024;
/** How much of an unread body is drained before the connection is closed instead. */
const maxDrain = 64 * 1024 * 1024;

const corsHeaders = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Expose-Headers":
    "X-Reqid, X-Log, Content-Length, Content-Range, Content-Disposition, ETag",
};

const preflight: Route = {
  name: "cors.preflight",
  auth: "none",
  methods: ["OPTIONS"],
  handle: async (exchange) => ({
    status: 204,
    headers: {
      "Access-Control-Allow-Methods": "GET, HEAD, POST, PUT, DELETE, OPTIONS",
      "Access-Control-Allow-Headers":
        exchange.req.headers["access-control-request-headers"] ?? "Authorization, Content-Type",
      "Access-Control-Max-Age": 86_400,
    },
  }),
};

/** The server's request listener, and a way to wait for the requests still being handled. */
export interface Handler {
  listener: (req: IncomingMessage, res: ServerResponse) => void;
  /** Resolves once every request under way has finished (its writes to the store included). */
  settled(): Promise<void>;
}

/**
 * Builds the server's request listener: it finds the route, applies a fault when one matches,
 * checks management signatures, runs the route, and counts, records and logs the request.
 *
 * @param ctx - The emulator.
 * @param log - Receives one line per request.
 * @returns The listener for `http.createServer`, and `settled` for a clean stop.
 */
export function createHandler(
  ctx: EmulatorContext,
  log: ((line: string) => void) | undefined,
): Handler {
  const underway = new Set<Promise<void>>();
  return {
    listener: (req, res) => {
      const done = handle(ctx, log, req, res).catch(() => {
        // Only a broken socket gets here: there is no one left to answer.
        res.destroy();
      });
      underway.add(done);
      done.finally(() => underway.delete(done));
    },
    settled: async () => {
      await Promise.allSettled([...underway]);
    },
  };
}

async function handle(
  ctx: EmulatorContext,
  log: ((line: string) => void) | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const started = performance.now();
  res.setHeader("X-Reqid", randomBytes(12).toString("base64url"));
  for (const [name, value] of Object.entries(corsHeaders)) res.setHeader(name, value);
  const method = (req.method ?? "GET").toUpperCase();
  const rawUrl = req.url ?? "/";
  const body = new RequestBody(req);

  // Counting, recording and logging happen once, when the exchange ends either way.
  let route: Route | undefined;
  let sent = 0;
  let accounted = false;
  const account = () => {
    if (accounted) return;
    accounted = true;
    const name = route?.name ?? "unknown";
    const status = res.headersSent ? res.statusCode : 0;
    if (name !== "admin") {
      ctx.recorder.count(name, status, body.received, sent);
      ctx.recorder.record({
        route: name,
        method,
        url: rawUrl,
        headers: flatHeaders(req),
        body: body.preview(),
        status,
      });
    }
    const ms = Math.round(performance.now() - started);
    try {
      log?.(`${method} ${rawUrl.slice(0, 300)} ${status} in:${body.received} out:${sent} ${ms}ms`);
    } catch {
      // A failing log must not take the server down.
    }
  };
  res.on("close", account);

  // The target of the request.
  const exchange = makeExchange(ctx, req, method, rawUrl, body);
  if (exchange === undefined) {
    sent = await send(res, errors.invalidArgument("bad request target"));
    return account();
  }
  route = method === "OPTIONS" ? preflight : resolveRoute(exchange);

  // A fault, when one matches.
  const fault = route.name === "admin" ? undefined : ctx.faults.take(route.name, exchange.host);
  if (fault?.delayMs) await sleep(fault.delayMs);
  if (fault?.resetAfterBytes !== undefined) return reset(req, body, fault.resetAfterBytes);
  let reply =
    fault?.status !== undefined || fault?.body !== undefined ? faultReply(fault) : undefined;

  // The route itself.
  reply ??= await run(route, exchange);
  if (fault?.retryAfter !== undefined) {
    reply = { ...reply, headers: { ...reply.headers, "Retry-After": fault.retryAfter } };
  }

  // What is left of the body is read (and counted), unless it is too big.
  try {
    if (!body.started && !(await drain(body))) res.setHeader("Connection", "close");
  } catch (error) {
    await discard(reply.body);
    throw error;
  }
  sent = await send(res, reply, { head: method === "HEAD", stallMs: fault?.stallMs });
  account();
}

/** Runs a route: the management signature first when the route needs one. */
async function run(route: Route, exchange: Exchange): Promise<Reply> {
  try {
    if (route.auth !== "manage") return await route.handle(exchange, new Uint8Array(0));
    const payload = await exchange.body.bytes(maxManagementBody);
    if (payload === undefined) return errors.tooLarge();
    const refused = await checkManagementAuth(exchange, payload);
    return refused ?? (await route.handle(exchange, payload));
  } catch (error) {
    if (error instanceof BodyTooLarge) return errors.tooLarge();
    if (exchange.req.destroyed) throw error;
    return failure(
      500,
      `emulator error: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Reads a body up to `resetAfter` bytes (or to its end), then destroys the connection. */
async function reset(req: IncomingMessage, body: RequestBody, resetAfter: number): Promise<void> {
  try {
    if (resetAfter > 0) {
      for await (const _ of body.chunks()) if (body.received >= resetAfter) break;
    }
  } finally {
    req.socket.destroy();
  }
}

/** The reply of a fault with a status or a body. */
function faultReply(fault: FaultRule): Reply {
  const status = fault.status ?? 200;
  if (fault.body !== undefined)
    return { status, headers: { "Content-Type": "application/json" }, body: fault.body };
  return failure(status, `injected fault: ${status}`);
}

/** Reads what is left of a body; `false` when it is larger than the drain limit. */
async function drain(body: RequestBody): Promise<boolean> {
  try {
    for await (const _ of body.chunks(maxDrain)) {
      // Only counted.
    }
    return true;
  } catch {
    return false;
  }
}

/** The request's path, segments and query; `undefined` when the target is not a path. */
function makeExchange(
  ctx: EmulatorContext,
  req: IncomingMessage,
  method: string,
  rawUrl: string,
  body: RequestBody,
): Exchange | undefined {
  let target = rawUrl;
  if (/^https?:\/\//i.test(target)) {
    try {
      const url = new URL(target);
      target = url.pathname + url.search;
    } catch {
      return undefined;
    }
  }
  if (!target.startsWith("/")) return undefined;
  const mark = target.indexOf("?");
  const path = mark < 0 ? target : target.slice(0, mark);
  const search = mark < 0 ? "" : target.slice(mark + 1);
  const hostHeader = req.headers.host;
  return {
    req,
    ctx,
    method,
    rawUrl: target,
    segments: path.slice(1).split("/"),
    query: new URLSearchParams(search),
    host: hostHeader !== undefined && hostHeader !== "" ? hostHeader : ctx.hosts[0]!,
    body,
  };
}
