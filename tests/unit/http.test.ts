import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { signQbox } from "../../src/auth/qbox.ts";
import { signQiniu } from "../../src/auth/qiniu.ts";
import type { RequestEvent } from "../../src/client.ts";
import { backoffDelay, retryAfterMs, sleep } from "../../src/http/backoff.ts";
import { neverSent } from "../../src/http/failure.ts";
import { type RequestSpec, request, type Transport } from "../../src/http/request.ts";
import { closedOrigin, type RealServer, sendJson, startRealServer } from "../helpers/realServer.ts";

// Captured before msw patches globalThis.fetch: real servers are reached without it.
const realFetch = globalThis.fetch;

const A = "http://kodo-a.test";
const B = "http://kodo-b.test";
const statSchema = z.object({ hash: z.string(), fsize: z.number() });
const statBody = { hash: "FhAbc", fsize: 5 };

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const servers: RealServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function real(...args: Parameters<typeof startRealServer>): Promise<RealServer> {
  const started = await startRealServer(...args);
  servers.push(started);
  return started;
}

function transport(overrides: Partial<Transport> = {}): Transport {
  return {
    timeoutMs: 2_000,
    retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 20 },
    ...overrides,
  };
}

function stat(overrides: Partial<RequestSpec<z.infer<typeof statSchema>>> = {}) {
  return {
    method: "GET",
    hosts: [A],
    path: "/stat/Ymt0OmE=",
    idempotent: true,
    schema: statSchema,
    ...overrides,
  };
}

/** Answers each request to `origin + path` with the next reply of the list (the last repeats). */
function sequence(origin: string, path: string, replies: (() => Response)[]) {
  const seen: Request[] = [];
  server.use(
    http.all(`${origin}${path}`, ({ request: received }) => {
      seen.push(received);
      return replies[Math.min(seen.length, replies.length) - 1]!();
    }),
  );
  return seen;
}

const json =
  (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  () =>
    HttpResponse.json(body as Record<string, unknown>, {
      status,
      headers: { "X-Reqid": `r${status}`, ...headers },
    });

describe("request", () => {
  it("returns the checked data with the status and request id", async () => {
    sequence(A, "/stat/Ymt0OmE=", [json(statBody)]);
    const result = await request(transport(), stat());
    expect(result.ok).toBe(true);
    expect(result.data?.data).toEqual(statBody);
    expect(result.data?.status).toBe(200);
    expect(result.data?.reqId).toBe("r200");
  });

  it("retries a 503 and returns the success that follows", async () => {
    const seen = sequence(A, "/stat/Ymt0OmE=", [json({ error: "busy" }, 503), json(statBody)]);
    const result = await request(transport(), stat());
    expect(result.ok).toBe(true);
    expect(result.data?.data).toEqual(statBody);
    expect(seen).toHaveLength(2);
  });

  it.each([
    [400, "bad_request"],
    [401, "unauthorized"],
  ])("does not retry a %i and reports it as %s", async (status, code) => {
    const seen = sequence(A, "/stat/Ymt0OmE=", [json({ error: "nope" }, status)]);
    const result = await request(transport(), stat());
    expect(result.error).toMatchObject({ code, status, message: "nope", reqId: `r${status}` });
    expect(result.error?.retryable).toBe(false);
    expect(seen).toHaveLength(1);
  });

  it.each([
    [612, "not_found", "no such file or directory"],
    [614, "exists", "file exists"],
    [631, "no_such_bucket", "no such bucket"],
  ])(
    "reads Qiniu's %i over real HTTP as %s and does not retry it",
    async (status, code, message) => {
      const target = await real((_req, res) => sendJson(res, status, { error: message }, "qn-1"));
      const result = await request(
        transport({ fetch: realFetch }),
        stat({ hosts: [target.origin, target.origin] }),
      );
      expect(result.ok).toBe(false);
      expect(result.error).toMatchObject({
        code,
        status,
        message,
        reqId: "qn-1",
        retryable: false,
      });
      expect(target.hits).toHaveLength(1);
    },
  );

  it("uses the body's text, or E<status>, when the error body is not JSON", async () => {
    sequence(A, "/text", [() => new HttpResponse("gateway says no", { status: 502 })]);
    sequence(A, "/none", [() => new HttpResponse(null, { status: 400 })]);
    const once = transport({ retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } });
    const text = await request(once, stat({ path: "/text" }));
    const none = await request(once, stat({ path: "/none" }));
    expect(text.error).toMatchObject({ code: "server_error", message: "gateway says no" });
    expect(none.error).toMatchObject({ code: "bad_request", message: "E400" });
  });

  it("fails over to the second host", async () => {
    const first = sequence(A, "/stat/Ymt0OmE=", [json({ error: "bad gateway" }, 502)]);
    const second = sequence(B, "/stat/Ymt0OmE=", [json(statBody)]);
    const result = await request(transport(), stat({ hosts: [A, B] }));
    expect(result.ok).toBe(true);
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
  });

  it("goes round the hosts, one attempt each, until the retries run out", async () => {
    sequence(A, "/stat/Ymt0OmE=", [json({ error: "down" }, 500)]);
    sequence(B, "/stat/Ymt0OmE=", [json({ error: "down" }, 599)]);
    const events: RequestEvent[] = [];
    const result = await request(
      transport({ logger: (event) => events.push(event) }),
      stat({ hosts: [A, B] }),
    );
    expect(result.error).toMatchObject({ code: "server_error", status: 599, retryable: true });
    expect(events.map((event) => new URL(event.url).origin)).toEqual([A, B, A, B]);
  });

  it("gives timeout when the server does not answer in time", async () => {
    const stalled = await real(() => undefined);
    const started = Date.now();
    const result = await request(
      transport({
        fetch: realFetch,
        timeoutMs: 100,
        retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 },
      }),
      stat({ hosts: [stalled.origin] }),
    );
    expect(result.error?.code).toBe("timeout");
    expect(result.error?.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("gives timeout when the body stops half way, and retries it", async () => {
    const halting = await real((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "100" });
      res.write('{"hash":');
    });
    const result = await request(
      transport({
        fetch: realFetch,
        timeoutMs: 100,
        retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 },
      }),
      stat({ hosts: [halting.origin] }),
    );
    expect(result.error?.code).toBe("timeout");
    expect(halting.hits).toHaveLength(2);
  });

  it("takes a per-request time limit over the transport's", async () => {
    const stalled = await real(() => undefined);
    const started = Date.now();
    const result = await request(
      transport({
        fetch: realFetch,
        timeoutMs: 60_000,
        retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 },
      }),
      stat({ hosts: [stalled.origin], timeoutMs: 80 }),
    );
    expect(result.error?.code).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("gives aborted within milliseconds when the caller aborts a pending request", async () => {
    const stalled = await real(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const result = await request(
      transport({ fetch: realFetch, timeoutMs: 10_000 }),
      stat({ hosts: [stalled.origin], signal: controller.signal }),
    );
    expect(result.error?.code).toBe("aborted");
    expect(Date.now() - started).toBeLessThan(500);
    expect(stalled.hits).toHaveLength(1);
  });

  it("gives aborted within milliseconds when the caller aborts during a backoff", async () => {
    const seen = sequence(A, "/stat/Ymt0OmE=", [json({ error: "busy" }, 503)]);
    const controller = new AbortController();
    const slowBackoff = { retries: 3, baseDelayMs: 5_000, maxDelayMs: 5_000 };
    const events: RequestEvent[] = [];
    const pending = request(
      transport({ retry: slowBackoff, logger: (event) => events.push(event) }),
      stat({ signal: controller.signal }),
    );
    await expect.poll(() => events.length).toBe(1);
    const started = Date.now();
    controller.abort();
    const result = await pending;
    expect(result.error?.code).toBe("aborted");
    expect(Date.now() - started).toBeLessThan(250);
    expect(seen).toHaveLength(1);
  });

  it("sends nothing when the signal has already aborted", async () => {
    const seen = sequence(A, "/stat/Ymt0OmE=", [json(statBody)]);
    const result = await request(transport(), stat({ signal: AbortSignal.abort() }));
    expect(result.error?.code).toBe("aborted");
    expect(seen).toHaveLength(0);
  });

  it("gives aborted, not timeout, even when the fetch ignores its signal", async () => {
    const never: typeof fetch = () => new Promise<Response>(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const result = await request(transport({ fetch: never }), stat({ signal: controller.signal }));
    expect(result.error?.code).toBe("aborted");
  });

  it("gives invalid_response with the issues when a 200 body fails its schema", async () => {
    const seen = sequence(A, "/stat/Ymt0OmE=", [json({ hash: 42 })]);
    const result = await request(transport(), stat());
    expect(result.error).toMatchObject({ code: "invalid_response", status: 200, retryable: false });
    expect(result.error?.issues?.map((issue) => issue.path)).toEqual([["hash"], ["fsize"]]);
    expect(seen).toHaveLength(1);
  });

  it("retries a 200 whose body is not JSON, once it is idempotent", async () => {
    const cut = () => new HttpResponse('{"hash":"Fh', { status: 200 });
    const seen = sequence(A, "/stat/Ymt0OmE=", [cut, json(statBody)]);
    const result = await request(transport(), stat());
    expect(result.ok).toBe(true);
    expect(seen).toHaveLength(2);
  });

  it("gives invalid_response with an issue for a body that is not JSON", async () => {
    sequence(A, "/stat/Ymt0OmE=", [() => new HttpResponse("<html>", { status: 200 })]);
    const result = await request(transport(), stat({ idempotent: false }));
    expect(result.error).toMatchObject({ code: "invalid_response", retryable: false });
    expect(result.error?.issues).toHaveLength(1);
  });

  it("gives network_error for a refused connection", async () => {
    const closed = await closedOrigin();
    const result = await request(
      transport({ fetch: realFetch, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } }),
      stat({ hosts: [closed] }),
    );
    expect(result.error?.code).toBe("network_error");
    expect(result.error?.message).toContain("ECONNREFUSED");
  });

  it("moves past a refused host at once, even for a request that is not idempotent", async () => {
    const closed = await closedOrigin();
    const target = await real((_req, res) => sendJson(res, 200, statBody));
    const started = Date.now();
    const result = await request(
      transport({ fetch: realFetch, retry: { retries: 1, baseDelayMs: 5_000, maxDelayMs: 5_000 } }),
      stat({ method: "POST", hosts: [closed, target.origin], idempotent: false }),
    );
    expect(result.ok).toBe(true);
    expect(target.hits).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("does not repeat a request that is not idempotent after a reset", async () => {
    const resetting = await real((req) => req.socket.destroy());
    const result = await request(
      transport({ fetch: realFetch }),
      stat({ method: "POST", hosts: [resetting.origin], idempotent: false }),
    );
    expect(result.error).toMatchObject({ code: "network_error", retryable: false });
    expect(resetting.hits).toHaveLength(1);
  });

  it("repeats an idempotent request after a reset", async () => {
    const flaky = await real((req, res, hit) =>
      hit === 0 ? req.socket.destroy() : sendJson(res, 200, statBody),
    );
    const result = await request(transport({ fetch: realFetch }), stat({ hosts: [flaky.origin] }));
    expect(result.ok).toBe(true);
    expect(flaky.hits).toHaveLength(2);
  });

  it("does not repeat a request that is not idempotent after a 503", async () => {
    const seen = sequence(A, "/up", [json({ error: "busy" }, 503), json(statBody)]);
    const result = await request(transport(), stat({ path: "/up", idempotent: false }));
    expect(result.error).toMatchObject({ code: "server_error", retryable: false });
    expect(seen).toHaveLength(1);
  });

  it("never repeats a request whose body is a stream", async () => {
    const seen = sequence(A, "/up", [json({ error: "busy" }, 503), json(statBody)]);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("data"));
        controller.close();
      },
    });
    const result = await request(transport(), stat({ method: "PUT", path: "/up", body }));
    expect(result.error).toMatchObject({ code: "server_error", retryable: false });
    expect(seen).toHaveLength(1);
    expect(await seen[0]!.text()).toBe("data");
  });

  it("waits as long as the Retry-After of a 573 asks", async () => {
    const wait = json({ error: "slow down" }, 573, { "Retry-After": "1" });
    const seen = sequence(A, "/stat/Ymt0OmE=", [wait, json(statBody)]);
    const started = Date.now();
    const result = await request(
      transport({ retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 5_000 } }),
      stat(),
    );
    const elapsed = Date.now() - started;
    expect(result.ok).toBe(true);
    expect(seen).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(2_000);
  });

  it("caps the Retry-After of a 503 by maxDelayMs", async () => {
    const wait = json({ error: "unavailable" }, 503, { "Retry-After": "30" });
    sequence(A, "/stat/Ymt0OmE=", [wait, json(statBody)]);
    const started = Date.now();
    const result = await request(
      transport({ retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 150 } }),
      stat(),
    );
    expect(result.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("hands the logger one event per attempt", async () => {
    const busy = json({ error: "busy" }, 503);
    sequence(A, "/stat/Ymt0OmE=", [busy, busy, json(statBody)]);
    const events: RequestEvent[] = [];
    await request(transport({ logger: (event) => events.push(event) }), stat());
    expect(
      events.map(({ attempt, status, willRetry }) => ({ attempt, status, willRetry })),
    ).toEqual([
      { attempt: 1, status: 503, willRetry: true },
      { attempt: 2, status: 503, willRetry: true },
      { attempt: 3, status: 200, willRetry: false },
    ]);
    expect(events[0]).toMatchObject({ type: "request", method: "GET", reqId: "r503" });
    expect(events[0]?.url).toBe(`${A}/stat/Ymt0OmE=`);
    expect(events[0]?.error).toContain("server_error");
    expect(events[2]?.error).toBeUndefined();
  });

  it("ignores a logger that throws", async () => {
    sequence(A, "/stat/Ymt0OmE=", [json(statBody)]);
    const logger = () => {
      throw new Error("broken logger");
    };
    const result = await request(transport({ logger }), stat());
    expect(result.ok).toBe(true);
  });

  it("signs each attempt for its own host", async () => {
    const credentials = { accessKey: "ak", secretKey: "sk" };
    const a = sequence(A, "/stat/Ymt0OmE=", [json({ error: "busy" }, 503)]);
    const b = sequence(B, "/stat/Ymt0OmE=", [json(statBody)]);
    const body = "op=%2Fstat%2FYmt0OmE%3D";
    const contentType = "application/x-www-form-urlencoded";
    const result = await request(
      transport(),
      stat({
        method: "POST",
        hosts: [A, B],
        body,
        contentType,
        auth: { type: "qiniu", credentials },
      }),
    );
    expect(result.ok).toBe(true);
    for (const [seen, origin] of [
      [a, A],
      [b, B],
    ] as const) {
      const url = `${origin}/stat/Ymt0OmE=`;
      const expected = await signQiniu(credentials, { method: "POST", url, contentType, body });
      expect(seen[0]?.headers.get("authorization")).toBe(expected);
      expect(seen[0]?.headers.get("content-type")).toBe(contentType);
    }
    expect(a[0]?.headers.get("x-qiniu-date")).toBeNull();
  });

  it("signs with QBox, sends an upload token, or sends no Authorization", async () => {
    const credentials = { accessKey: "ak", secretKey: "sk" };
    const seen = sequence(A, "/stat/Ymt0OmE=", [json(statBody)]);
    await request(transport(), stat({ auth: { type: "qbox", credentials } }));
    await request(transport(), stat({ auth: { type: "upToken", token: "ak:sig:policy" } }));
    await request(transport(), stat());
    const qbox = await signQbox(credentials, { url: `${A}/stat/Ymt0OmE=` });
    expect(seen.map((r) => r.headers.get("authorization"))).toEqual([
      qbox,
      "UpToken ak:sig:policy",
      null,
    ]);
  });

  it("counts the statuses it is told to accept as a success", async () => {
    sequence(A, "/batch", [json([{ code: 200 }, { code: 612 }], 298)]);
    sequence(A, "/odd", [json([{ code: 612 }], 400)]);
    const schema = z.array(z.object({ code: z.number() }));
    const spec = { method: "POST", hosts: [A], idempotent: false, schema };
    const batch = await request(transport(), { ...spec, path: "/batch" });
    const odd = await request(transport(), { ...spec, path: "/odd", acceptStatuses: [400] });
    expect(batch.data?.status).toBe(298);
    expect(batch.data?.data).toEqual([{ code: 200 }, { code: 612 }]);
    expect(odd.data?.data).toEqual([{ code: 612 }]);
  });

  it("reads a body as text, as bytes, or not at all", async () => {
    sequence(A, "/file", [() => new HttpResponse("hello", { status: 200 })]);
    const base = { method: "GET", hosts: [A], path: "/file", idempotent: true };
    const text = await request(transport(), { ...base, expect: "text" });
    const bytes = await request(transport(), { ...base, expect: "bytes" });
    const empty = await request(transport(), { ...base, expect: "empty" });
    expect(text.data?.data).toBe("hello");
    expect(bytes.data?.data).toEqual(new TextEncoder().encode("hello"));
    expect(empty.ok).toBe(true);
    expect(empty.data?.data).toBeUndefined();
  });

  it("sends text, bytes and blobs, and repeats them on a retry", async () => {
    const seen = sequence(A, "/put", [json({ error: "busy" }, 503), json(statBody)]);
    for (const body of ["abc", new TextEncoder().encode("abc"), new Blob(["abc"])]) {
      seen.length = 0;
      const result = await request(transport(), stat({ method: "PUT", path: "/put", body }));
      expect(result.ok).toBe(true);
      expect(await Promise.all(seen.map((r) => r.text()))).toEqual(["abc", "abc"]);
    }
  });

  it("uses the transport's fetch when it has one", async () => {
    const calls: string[] = [];
    const own: typeof fetch = async (input) => {
      calls.push(String(input));
      return Response.json(statBody);
    };
    const result = await request(transport({ fetch: own }), stat());
    expect(result.ok).toBe(true);
    expect(calls).toEqual([`${A}/stat/Ymt0OmE=`]);
  });

  it("gives invalid_input, sending nothing, for a request it cannot send", async () => {
    const noHost = await request(transport(), stat({ hosts: [] }));
    const badPath = await request(transport(), stat({ path: "stat" }));
    const badHost = await request(transport(), stat({ hosts: ["ftp://example.com"] }));
    expect([noHost, badPath, badHost].map((r) => r.error?.code)).toEqual([
      "invalid_input",
      "invalid_input",
      "invalid_input",
    ]);
  });
});

describe("backoffDelay", () => {
  const options = { baseDelayMs: 100, maxDelayMs: 1_000 };

  it("doubles its ceiling with each retry", () => {
    expect([1, 2, 3, 4].map((retry) => backoffDelay(retry, options, () => 0.999))).toEqual([
      99, 199, 399, 799,
    ]);
  });

  it("never goes past maxDelayMs, and may be zero", () => {
    expect(backoffDelay(10, options, () => 0.999)).toBe(999);
    expect(backoffDelay(3, options, () => 0)).toBe(0);
  });
});

describe("retryAfterMs", () => {
  const now = Date.parse("2024-05-01T00:00:00Z");

  it("reads seconds", () => {
    expect(retryAfterMs("3", now)).toBe(3_000);
    expect(retryAfterMs(" 0 ", now)).toBe(0);
  });

  it("reads an HTTP date, and a date in the past as no wait", () => {
    expect(retryAfterMs("Wed, 01 May 2024 00:00:02 GMT", now)).toBe(2_000);
    expect(retryAfterMs("Tue, 30 Apr 2024 23:00:00 GMT", now)).toBe(0);
  });

  it("ignores what it cannot read", () => {
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs("-5", now)).toBeUndefined();
  });
});

describe("sleep", () => {
  it("ends early when the signal aborts", async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await sleep(5_000, controller.signal);
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe("neverSent", () => {
  it("recognises a refused connection and an unknown host, not a reset", () => {
    const wrap = (code: string) => new TypeError("fetch failed", { cause: { code } });
    expect(neverSent(wrap("ECONNREFUSED"))).toBe(true);
    expect(neverSent(wrap("ENOTFOUND"))).toBe(true);
    expect(neverSent(wrap("UND_ERR_SOCKET"))).toBe(false);
    expect(neverSent(new TypeError("Failed to fetch"))).toBe(false);
  });
});
