import { describe, expect, it } from "vitest";
import { type Client, createClient } from "../../src/client.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import type { Emulator, FaultRule } from "../../src/emulator/types.ts";
import type { KodoErrorCode } from "../../src/errors.ts";
import { etagText as etag } from "../../src/etag/etag.ts";
import { batch } from "../../src/objects/batch.ts";
import { changeMimeOp, statOp } from "../../src/objects/batchOps.ts";
import { get } from "../../src/objects/get.ts";
import { type ListEntry, list } from "../../src/objects/list.ts";
import { stat } from "../../src/objects/stat.ts";
import type { Result } from "../../src/result.ts";
import { put } from "../../src/upload/put.ts";
import { download, expectSameBytes } from "../helpers/e2e.ts";
import { patternBytes } from "../helpers/emulator.ts";
import { hashOf, KiB, MiB } from "../helpers/uploads.ts";
import {
  attemptLog,
  cuttingFetch,
  expectFailure,
  failOnUnhandledRejections,
  within,
} from "./helpers.ts";

failOnUnhandledRejections();

/** Further attempts after the first one, for every client of this file. */
const retries = 2;
/**
 * The limit of one attempt: wide enough that a busy machine does not add attempts of its own
 * (a part is 1 MiB). A stalled or delayed answer waits a second longer.
 */
const timeoutMs = 1500;
const partTimeoutMs = 3000;
const stallBeyondMs = 1000;
/** The longest pause between attempts: a Retry-After of 1 s is cut down to it. */
const maxDelayMs = 300;

/** A fault and what an idempotent request that meets it on every attempt must end in. */
interface Fault {
  name: string;
  /** The emulator's rule, without its route and count, for a given limit of one attempt. */
  rule?: (timeoutMs: number) => Omit<FaultRule, "route" | "times">;
  /** Cut the response body after this many bytes (the service did handle the request). */
  cutAfter?: number;
  /** Only for requests that carry a body. */
  needsRequestBody?: boolean;
  code: KodoErrorCode;
  status?: number;
  /** Whether a further attempt may succeed, so that the client makes 1 + retries of them. */
  retried: boolean;
  /** The pause before each further attempt is the Retry-After (capped), not the backoff. */
  honoursRetryAfter?: boolean;
  /** The service handles the request before the fault hits: only its answer is lost. */
  answerLost?: boolean;
  /** The answer is readable JSON, only not of the expected shape. */
  wrongShape?: boolean;
}

const serverErrors = [500, 502, 503, 504, 599].map(
  (status): Fault => ({
    name: `a ${status} answer`,
    rule: () => ({ status }),
    code: "server_error",
    status,
    retried: true,
  }),
);

const faults: Fault[] = [
  ...serverErrors,
  {
    name: "a reset before the body",
    rule: () => ({ resetAfterBytes: 0 }),
    code: "network_error",
    retried: true,
  },
  {
    name: "a reset during the request body",
    rule: () => ({ resetAfterBytes: 16 }),
    needsRequestBody: true,
    code: "network_error",
    retried: true,
  },
  {
    name: "a reset during the response body",
    cutAfter: 8,
    code: "network_error",
    retried: true,
    answerLost: true,
  },
  {
    name: "a stall between the head and the body longer than the timeout",
    rule: (limit) => ({ stallMs: limit + stallBeyondMs }),
    code: "timeout",
    retried: true,
    answerLost: true,
  },
  {
    name: "a delay before the head longer than the timeout",
    rule: (limit) => ({ delayMs: limit + stallBeyondMs }),
    code: "timeout",
    retried: true,
  },
  {
    name: "a 200 whose body is not JSON",
    rule: () => ({ body: "<html><body>502 Bad Gateway</body></html>" }),
    code: "invalid_response",
    retried: true,
  },
  {
    name: "a 200 whose JSON is truncated",
    rule: () => ({ body: '{"hash":"FhUuwUeU2y2pmIhiO4Ckt","key":"obj' }),
    code: "invalid_response",
    retried: true,
  },
  {
    name: "a 200 whose JSON has the wrong shape",
    rule: () => ({ body: '[{"hash":42,"etag":42,"uploadId":42}]' }),
    code: "invalid_response",
    retried: false,
    wrongShape: true,
  },
  {
    name: "a 573 with Retry-After",
    rule: () => ({ status: 573, retryAfter: 1 }),
    code: "rate_limited",
    status: 573,
    retried: true,
    honoursRetryAfter: true,
  },
];

/** A route of the emulator, how to recognise its requests, and how many a clean run sends. */
interface RouteUse {
  route: string;
  match: (method: string, path: string) => boolean;
  cleanRequests: number;
}

/** What a row's run returns besides its result: anything its checks need. */
interface Fixture {
  bytes: Uint8Array;
  hash: string;
  keys: string[];
}

/** An operation of the matrix: the routes to break, the call, and what success must look like. */
interface Row {
  name: string;
  /** The limit of one attempt. */
  timeoutMs: number;
  /** The key an upload writes. */
  key?: string;
  routes: RouteUse[];
  requestBody: boolean;
  seed: (client: Client) => Promise<Fixture>;
  run: (client: Client, fixture: Fixture) => Promise<Result<unknown>>;
  /** Checks a successful result against the service's data, without touching `routes`. */
  check: (client: Client, result: unknown, fixture: Fixture) => Promise<void>;
  /** Any unreadable answer is met with a new attempt, one of the wrong shape included. */
  resendsWrongShape?: boolean;
  /** Repeating a request the service handled is refused (612), so the upload starts over. */
  repeatRefused?: boolean;
}

const formBytes = patternBytes(64 * KiB, 7);
const multipartBytes = patternBytes(2 * MiB + 100 * KiB, 11);
const uploadsPath = /^\/buckets\/bkt\/objects\/[^/]+\/uploads/;

async function seedObjects(client: Client, keys: string[]): Promise<Fixture> {
  const bytes = patternBytes(3 * KiB, 3);
  for (const key of keys) {
    const uploaded = await put(client, key, bytes, { mimeType: "application/x-seed" });
    if (!uploaded.ok) throw uploaded.error;
  }
  return { bytes, hash: await etag(bytes), keys };
}

/** Checks that an upload answered the etag of the bytes and that the service serves them. */
async function checkUpload(
  client: Client,
  result: unknown,
  key: string,
  bytes: Uint8Array,
  hash: string,
) {
  expect(result).toMatchObject({ key, hash, fsize: bytes.length });
  const stored = await download(client, key);
  expect(stored.status).toBe(200);
  expectSameBytes(stored.bytes, bytes);
}

const multipartOptions = { multipartThreshold: MiB, partSize: MiB, concurrency: 1 };
const multipartRow = (part: "init" | "part" | "complete"): Row => {
  const uses: Record<typeof part, RouteUse> = {
    init: {
      route: "up.v2.init",
      match: (method, path) => method === "POST" && /\/uploads$/.test(path),
      cleanRequests: 1,
    },
    part: {
      route: "up.v2.part",
      match: (method, path) => method === "PUT" && uploadsPath.test(path),
      cleanRequests: 3,
    },
    complete: {
      route: "up.v2.complete",
      match: (method, path) => method === "POST" && /\/uploads\/[^/]+$/.test(path),
      cleanRequests: 1,
    },
  };
  return {
    name: `a multipart upload, faults on its ${part} requests`,
    timeoutMs: partTimeoutMs,
    key: "multipart.bin",
    routes: [uses[part]],
    requestBody: part !== "init",
    // Sending a part again is harmless (the part is replaced, its MD5 checked), so the engine
    // sends it again after any answer it cannot use.
    resendsWrongShape: part === "part",
    // A completed upload is gone: a repeated complete meets 612 "no such uploadId".
    repeatRefused: part === "complete",
    seed: async () => ({
      bytes: multipartBytes,
      hash: await hashOf(multipartBytes, MiB),
      keys: [],
    }),
    run: (client) => put(client, "multipart.bin", multipartBytes, multipartOptions),
    check: (client, result, fixture) =>
      checkUpload(client, result, "multipart.bin", fixture.bytes, fixture.hash),
  };
};

const statUse: RouteUse = {
  route: "rs.stat",
  match: (method, path) => method === "GET" && path.startsWith("/stat/"),
  cleanRequests: 1,
};

const rows: Row[] = [
  {
    name: "a form upload",
    timeoutMs,
    key: "form.bin",
    routes: [
      {
        route: "up.form",
        match: (method, path) => method === "POST" && path === "/",
        cleanRequests: 1,
      },
    ],
    requestBody: true,
    seed: async () => ({ bytes: formBytes, hash: await etag(formBytes), keys: [] }),
    run: (client) => put(client, "form.bin", formBytes),
    check: (client, result, fixture) =>
      checkUpload(client, result, "form.bin", fixture.bytes, fixture.hash),
  },
  multipartRow("init"),
  multipartRow("part"),
  multipartRow("complete"),
  {
    name: "stat",
    timeoutMs,
    routes: [statUse],
    requestBody: false,
    seed: (client) => seedObjects(client, ["stat.bin"]),
    run: (client) => stat(client, "stat.bin"),
    check: async (_client, result, fixture) => {
      expect(result).toMatchObject({
        fsize: fixture.bytes.length,
        hash: fixture.hash,
        mimeType: "application/x-seed",
      });
    },
  },
  {
    name: "a listing over three pages",
    timeoutMs,
    routes: [
      {
        route: "rsf.list",
        match: (method, path) => method === "GET" && path.startsWith("/list?"),
        cleanRequests: 3,
      },
    ],
    requestBody: false,
    seed: (client) => seedObjects(client, ["list/a", "list/b", "list/c", "list/d", "list/e"]),
    run: async (client) => {
      const entries: ListEntry[] = [];
      for await (const entry of list(client, { prefix: "list/", limit: 2 })) {
        if (!entry.ok) return entry;
        entries.push(entry.data);
      }
      return { ok: true, data: entries };
    },
    check: async (_client, result, fixture) => {
      const items = (result as ListEntry[]).map((entry) =>
        entry.type === "item" ? [entry.item.key, entry.item.hash, entry.item.fsize] : entry,
      );
      expect(items).toEqual(fixture.keys.map((key) => [key, fixture.hash, fixture.bytes.length]));
    },
  },
  {
    name: "a batch of stats and a MIME change",
    timeoutMs,
    routes: [
      {
        route: "rs.batch",
        match: (method, path) => method === "POST" && path === "/batch",
        cleanRequests: 1,
      },
    ],
    requestBody: true,
    seed: (client) => seedObjects(client, ["batch/a", "batch/b"]),
    run: (client) =>
      batch(client, [
        statOp("batch/a"),
        statOp("batch/missing"),
        changeMimeOp("batch/b", "text/x-changed"),
      ]),
    check: async (client, result, fixture) => {
      const items = result as Array<Result<{ key: string; stat?: { hash: string } }>>;
      expect(items.map((item) => item.ok)).toEqual([true, false, true]);
      expect(items[0]!.data?.stat?.hash).toBe(fixture.hash);
      expect(items[1]!.error?.code).toBe("not_found");
      expect((await stat(client, "batch/b")).data?.mimeType).toBe("text/x-changed");
    },
  },
  {
    name: "get, faults on its stat and on the bucket's domains and settings",
    timeoutMs,
    routes: [
      statUse,
      {
        route: "uc.domains",
        match: (method, path) => method === "GET" && path.startsWith("/v2/domains?"),
        cleanRequests: 1,
      },
      {
        route: "uc.bucketInfo",
        match: (method, path) => method === "POST" && path.startsWith("/v2/bucketInfo?"),
        cleanRequests: 1,
      },
    ],
    requestBody: false,
    seed: (client) => seedObjects(client, ["get.bin"]),
    run: (client) => get(client, "get.bin"),
    check: async (_client, result, fixture) => {
      const data = result as { url: string; hash: string; fsize: number };
      expect(data).toMatchObject({ hash: fixture.hash, fsize: fixture.bytes.length });
      const response = await fetch(data.url);
      expect(response.status).toBe(200);
      expectSameBytes(new Uint8Array(await response.arrayBuffer()), fixture.bytes);
    },
  },
];

/** What one run of a row under a fault gave, once the emulator has settled. */
interface Outcome {
  result: Result<unknown>;
  /** For a failed upload: whether the service holds the object anyway, byte for byte. */
  stored: boolean;
  /** Requests the emulator served, by route. */
  requests: Record<string, number>;
  /** Pauses before further attempts, by faulted route. */
  pauses: Record<string, number[]>;
  /** What the client's logger saw, one line per attempt, for failure messages. */
  trace: string;
}

/**
 * Runs a row on a fresh emulator with the fault on each of its routes, `times` times (every
 * request when undefined); checks the data of a success while the emulator still runs.
 */
async function runCase(row: Row, fault: Fault, times: number | undefined): Promise<Outcome> {
  const emulator: Emulator = await startEmulator({ buckets: ["bkt"] });
  try {
    // Seed, then make the client that meets the fault.
    const keys = { accessKey: emulator.accessKey, secretKey: emulator.secretKey };
    const base = { ...keys, bucket: "bkt", ucHost: emulator.url };
    const fixture = await row.seed(createClient(base));
    const log = attemptLog();
    const cut = fault.cutAfter;
    const client = createClient({
      ...base,
      timeoutMs: row.timeoutMs,
      retry: { retries, baseDelayMs: 1, maxDelayMs },
      logger: log.logger,
      fetch: cuttingFetch(
        cut === undefined
          ? []
          : row.routes.map((use) => ({
              match: use.match,
              afterBytes: cut,
              ...(times === undefined ? {} : { times }),
            })),
      ),
    });
    emulator.resetStats();
    for (const use of row.routes) {
      const rule = fault.rule?.(row.timeoutMs);
      if (rule !== undefined) emulator.addFault({ route: use.route, ...rule, times });
    }

    // Run, then check a success against what the service holds.
    const result = await within(
      20_000,
      `${row.name} under ${fault.name}`,
      row.run(client, fixture),
    );
    emulator.clearFaults();
    if (result.ok) await row.check(createClient(base), result.data, fixture);
    const stored = !result.ok && (await holds(createClient(base), row.key, fixture.bytes));

    // Count once every request, stalled ones included, has ended.
    await emulator.stop();
    const requests: Record<string, number> = {};
    for (const [route, stats] of Object.entries(emulator.stats())) requests[route] = stats.requests;
    const pauses: Record<string, number[]> = {};
    for (const use of row.routes) {
      pauses[use.route] = log.pauses((attempt) => {
        const url = new URL(attempt.url);
        return use.match(attempt.method, url.pathname + url.search);
      });
    }
    const trace = log.attempts
      .map((a) => `${a.method} ${new URL(a.url).pathname} #${a.attempt} ${a.status} ${a.error}`)
      .join("\n");
    return { result, stored, requests, pauses, trace };
  } finally {
    await emulator.stop();
  }
}

/** Whether the service serves `bytes` under `key`. */
async function holds(client: Client, key: string | undefined, bytes: Uint8Array): Promise<boolean> {
  if (key === undefined) return false;
  const stored = await download(client, key);
  return stored.status === 200 && Buffer.from(stored.bytes).equals(bytes);
}

/** Expects the pauses before further attempts to be the capped Retry-After. */
function expectRetryAfterPauses(pauses: number[], count: number): void {
  expect(pauses.length).toBeGreaterThanOrEqual(count);
  for (const pause of pauses.slice(0, count)) expect(pause).toBeGreaterThanOrEqual(maxDelayMs - 20);
}

for (const row of rows) {
  describe.concurrent(`${row.name} under faults`, () => {
    const applicable = faults.filter((fault) => row.requestBody || !fault.needsRequestBody);

    for (const fault of applicable) {
      const retried =
        fault.retried || (fault.wrongShape === true && row.resendsWrongShape === true);
      if (!retried) {
        it(`fails with ${fault.code} after one attempt on ${fault.name}`, async () => {
          const once = await runCase(row, fault, 1);
          expectFailure(once.result, fault.code);
          expect(once.result.error?.retryable).toBe(false);
          for (const use of row.routes) expect(once.requests[use.route], use.route).toBe(1);
        });
        continue;
      }

      if (fault.answerLost && row.repeatRefused) {
        const name = `confirms the object when ${fault.name} loses the answer of a completion`;
        it(name, async () => {
          const [passing, lasting] = await Promise.all([
            runCase(row, fault, retries),
            runCase(row, fault, undefined),
          ]);

          // The repeat meets 612; a stat finds the object stored with the local etag: a success,
          // without sending the upload again.
          expect(passing.result.ok, `${passing.result.error?.message}\n${passing.trace}`).toBe(
            true,
          );
          expect(passing.requests["up.v2.init"]).toBe(1);

          // Met on every attempt: a success only once a stat confirmed the object (runCase then
          // checked its bytes); else the fault's error, the object stored all the same.
          if (!lasting.result.ok) {
            expect([fault.code, "not_found"]).toContain(lasting.result.error?.code);
            expect(lasting.stored, "the object the service holds").toBe(true);
          }
        });
        continue;
      }

      const name =
        `recovers from ${fault.name} within the retries, ` +
        `and fails with ${fault.code} after ${1 + retries} attempts when it lasts`;
      it(name, async () => {
        const [passing, lasting] = await Promise.all([
          runCase(row, fault, retries),
          runCase(row, fault, undefined),
        ]);

        // Met on all but the last attempt: a success with the right data.
        expect(passing.result.ok, `${passing.result.error?.message}\n${passing.trace}`).toBe(true);
        for (const use of row.routes) {
          expect(passing.requests[use.route], passing.trace).toBe(retries + use.cleanRequests);
        }

        // Met on every attempt: the fault's error, after every attempt allowed.
        expectFailure(lasting.result, fault.code);
        expect(lasting.result.error?.retryable).toBe(true);
        if (fault.status !== undefined) expect(lasting.result.error?.status).toBe(fault.status);
        for (const use of row.routes) {
          expect(lasting.requests[use.route], lasting.trace).toBe(1 + retries);
        }

        // The pauses between attempts are the Retry-After (parts included: the engine reads it
        // from the error of each attempt).
        if (fault.honoursRetryAfter) {
          for (const use of row.routes) {
            expectRetryAfterPauses(passing.pauses[use.route]!, retries);
            expectRetryAfterPauses(lasting.pauses[use.route]!, retries);
          }
        }
      });
    }
  });
}
