import { createServer } from "node:net";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import type { RequestEvent } from "../../src/client.ts";
import type { Emulator } from "../../src/emulator/types.ts";
import { isKodoError, type KodoErrorCode } from "../../src/errors.ts";
import type { Result } from "../../src/result.ts";

/**
 * Fails the test during which a promise was rejected with no one to handle it: the listener is
 * registered for the whole file, and each test checks that nothing arrived meanwhile.
 */
export function failOnUnhandledRejections(): void {
  const rejections: unknown[] = [];
  const listener = (reason: unknown) => {
    rejections.push(reason);
  };
  beforeAll(() => {
    process.on("unhandledRejection", listener);
  });
  afterEach(() => {
    const seen = rejections.splice(0);
    expect(seen, "unhandled rejections").toEqual([]);
  });
  afterAll(() => {
    process.off("unhandledRejection", listener);
  });
}

/**
 * Settles like `work`, or rejects once `ms` have passed, so that a hang fails with its name
 * instead of holding the run until the test times out.
 */
export async function within<T>(ms: number, label: string, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} hung for more than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Expects a result to have failed with a KodoError of the given code. */
export function expectFailure(result: Result<unknown>, code: KodoErrorCode): void {
  expect(result.ok, `expected ${code}, got a success`).toBe(false);
  expect(isKodoError(result.error)).toBe(true);
  expect(result.error?.code, result.error?.message).toBe(code);
}

/** How many requests the emulator served on a route (0 when it saw none). */
export function requestsOn(emulator: Emulator, route: string): number {
  return emulator.stats()[route]?.requests ?? 0;
}

/** One attempt as the client's logger saw it, with the moment it ended. */
export interface LoggedAttempt extends RequestEvent {
  endedAt: number;
}

/** A logger that keeps every attempt, and the pauses between attempts at matching URLs. */
export function attemptLog(): {
  logger: (event: RequestEvent) => void;
  attempts: LoggedAttempt[];
  /** The pauses, in ms, between the end of an attempt and the start of the next one. */
  pauses(match: (attempt: LoggedAttempt) => boolean): number[];
} {
  const attempts: LoggedAttempt[] = [];
  return {
    attempts,
    logger: (event) => attempts.push({ ...event, endedAt: performance.now() }),
    pauses(match) {
      const mine = attempts.filter(match);
      const pauses: number[] = [];
      for (let i = 1; i < mine.length; i++) {
        const started = mine[i]!.endedAt - mine[i]!.durationMs;
        pauses.push(started - mine[i - 1]!.endedAt);
      }
      return pauses;
    },
  };
}

/** Where a response body is cut: the requests it applies to and how many bytes pass. */
export interface ResponseCut {
  /** Which requests to cut, by method and path (with the query). */
  match: (method: string, path: string) => boolean;
  /** How many matching requests it applies to (only 2xx answers are cut); all when absent. */
  times?: number;
  /** Bytes of the body delivered before the connection fails. */
  afterBytes: number;
}

/**
 * A fetch that sends every request to the service, and for the requests a cut matches (each cut
 * counting its own), delivers only the start of the response body before failing the way a
 * reset connection does. The service has then handled the request, but the answer never
 * arrives whole.
 */
export function cuttingFetch(cuts: readonly ResponseCut[]): typeof fetch {
  const remaining = cuts.map((cut) => cut.times ?? Number.POSITIVE_INFINITY);
  return async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? "GET").toUpperCase();
    const index = cuts.findIndex((cut) => cut.match(method, url.pathname + url.search));
    const cut = cuts[index];
    if (cut === undefined || (remaining[index] ?? 0) <= 0) return response;
    remaining[index] -= 1;

    // Statuses above 599 cannot make a Web Response: those answers go through whole.
    if (response.status < 200 || response.status > 299) return response;
    const bytes = new Uint8Array(await response.arrayBuffer());
    const kept = bytes.subarray(0, Math.min(cut.afterBytes, bytes.length - 1));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(kept);
        controller.error(new TypeError("terminated", { cause: new Error("other side closed") }));
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
}

/**
 * A fetch that sends every request to the service, and for the first `times` requests that
 * `match` accepts, waits for the service's answer and throws it away, failing the way a
 * connection reset before the head does: the service did handle the request.
 */
export function losingFetch(
  match: (method: string, path: string) => boolean,
  times = Number.POSITIVE_INFINITY,
): typeof fetch & { lost: number } {
  let lost = 0;
  const losing = async (input: RequestInfo | URL, init?: RequestInit) => {
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (lost >= times || !match((init?.method ?? "GET").toUpperCase(), url.pathname)) {
      return response;
    }
    lost += 1;
    await response.arrayBuffer();
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    throw new TypeError("fetch failed", { cause: reset });
  };
  return Object.defineProperty(losing, "lost", { get: () => lost }) as typeof fetch & {
    lost: number;
  };
}

/** A local port that was free a moment ago and refuses connections now. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
