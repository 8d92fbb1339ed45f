import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listDomains } from "../../src/buckets/listDomains.ts";
import { type Client, createClient } from "../../src/client.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import type { Emulator } from "../../src/emulator/types.ts";
import { isKodoError, type KodoErrorCode } from "../../src/errors.ts";
import { etagText as etag } from "../../src/etag/etag.ts";
import { downloadUrl } from "../../src/objects/downloadUrl.ts";
import { get } from "../../src/objects/get.ts";
import { listPage } from "../../src/objects/listPage.ts";
import { stat } from "../../src/objects/stat.ts";
import { put } from "../../src/upload/put.ts";
import { patternBytes } from "../helpers/emulator.ts";
import { hashOf, KiB, MiB } from "../helpers/uploads.ts";
import { failOnUnhandledRejections } from "./helpers.ts";

failOnUnhandledRejections();

const clients = 50;
const keysPerClient = 8;
const runMs = 30_000;
/** Clients whose first key sometimes gets a multipart upload: memory stays bounded. */
const bigWriters = 10;
const bigSize = MiB + 200 * KiB;

/** One version of an object: its number and what the service must answer for it. */
interface Version {
  size: number;
  hash: string;
}

/** What the clients know of one key: every version written, and which were acknowledged. */
interface KeyState {
  versions: Map<number, Version>;
  /** The highest version whose upload was acknowledged (0: none yet). */
  acked: number;
  /** The highest version whose upload began. */
  begun: number;
  /** Versions whose upload failed: the service may hold them or not. */
  unsure: Set<number>;
}

/** The bytes of a version: a header naming it, then bytes that only it has. */
function contentOf(key: string, version: number, size: number): Uint8Array {
  const header = new TextEncoder().encode(`${key}@${version}\n`);
  const bytes = patternBytes(Math.max(size, header.length), hashText(`${key}@${version}`));
  bytes.set(header);
  return bytes;
}

function hashText(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}

/** The version a body claims to be, from its header. */
function versionIn(key: string, bytes: Uint8Array): number | undefined {
  const end = bytes.indexOf(10);
  const header = new TextDecoder().decode(bytes.subarray(0, end));
  const at = header.lastIndexOf("@");
  if (at < 0 || header.slice(0, at) !== key) return undefined;
  const version = Number(header.slice(at + 1));
  return Number.isSafeInteger(version) ? version : undefined;
}

/** Counts of what happened, and every wrong answer seen. */
interface Tally {
  writes: number;
  acked: number;
  reads: number;
  failures: Array<{ at: number; op: string; code: string }>;
  wrong: string[];
}

/** Everything one run of the load shares. */
interface Load {
  keys: Map<string, KeyState>;
  tally: Tally;
  domain: string;
  /** Set while the emulator is down for a restart, with when it went down and came back. */
  gaps: Array<{ from: number; to: number }>;
}

/** The versions a read that began when `acked` was the last acknowledged one may see. */
function allowed(state: KeyState, ackedAtStart: number): (version: number) => boolean {
  return (version) =>
    version >= ackedAtStart && version <= state.begun && state.versions.has(version);
}

/** Records a failed call: a proper KodoError (or fetch's TypeError for a plain download). */
function failed(load: Load, op: string, error: unknown): void {
  const code = isKodoError(error) ? error.code : error instanceof TypeError ? "fetch_failed" : "";
  if (code === "") load.tally.wrong.push(`${op} failed with a non-KodoError: ${String(error)}`);
  load.tally.failures.push({ at: performance.now(), op, code });
}

async function write(load: Load, client: Client, id: number, key: string, state: KeyState) {
  const big = id < bigWriters && key.endsWith("/k0") && Math.random() < 0.08;
  const size = big ? bigSize : Math.floor(Math.random() ** 3 * 48 * KiB) + 16;
  const version = ++state.begun;
  const bytes = contentOf(key, version, size);
  state.versions.set(version, {
    size: bytes.length,
    hash: big ? await hashOf(bytes, MiB) : await etag(bytes),
  });

  load.tally.writes += 1;
  const options = big ? { multipartThreshold: MiB, partSize: MiB, concurrency: 2 } : {};
  const result = await put(client, key, bytes, options);
  if (!result.ok) {
    state.unsure.add(version);
    return failed(load, "put", result.error);
  }
  if (
    result.data.hash !== state.versions.get(version)?.hash ||
    result.data.fsize !== bytes.length
  ) {
    load.tally.wrong.push(`put ${key}@${version} answered ${result.data.hash}`);
  }
  state.acked = version;
  load.tally.acked += 1;
}

/** Checks a hash a read gave against the versions it may see. */
function checkHash(load: Load, op: string, key: string, hash: string, may: (v: number) => boolean) {
  const state = load.keys.get(key)!;
  const match = [...state.versions].find(([version, v]) => v.hash === hash && may(version));
  if (match === undefined) load.tally.wrong.push(`${op} ${key} gave hash ${hash}, not one it may`);
}

/** A not_found is right only before the first acknowledged write. */
function checkMissing(load: Load, op: string, key: string, ackedAtStart: number) {
  if (ackedAtStart > 0) load.tally.wrong.push(`${op} ${key}: not found after ${ackedAtStart}`);
}

async function read(load: Load, client: Client, key: string) {
  const state = load.keys.get(key)!;
  const ackedAtStart = state.acked;
  const may = allowed(state, ackedAtStart);
  const kind = Math.random();
  load.tally.reads += 1;

  // A stat, a get, or a download of the bytes through a plain fetch of the object's URL.
  if (kind < 0.4) {
    const found = await stat(client, key);
    if (found.ok) return checkHash(load, "stat", key, found.data.hash, may);
    if (found.error.code === "not_found") return checkMissing(load, "stat", key, ackedAtStart);
    return failed(load, "stat", found.error);
  }
  if (kind < 0.5) {
    const found = await get(client, key);
    if (found.ok) return checkHash(load, "get", key, found.data.hash, may);
    if (found.error.code === "not_found") return checkMissing(load, "get", key, ackedAtStart);
    return failed(load, "get", found.error);
  }
  const link = await downloadUrl(client, key, { domain: load.domain, private: false });
  if (!link.ok) return failed(load, "downloadUrl", link.error);
  let response: Response;
  let bytes: Uint8Array;
  try {
    response = await fetch(link.data.url);
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    return failed(load, "download", error);
  }
  if (response.status === 404) return checkMissing(load, "download", key, ackedAtStart);
  if (response.status !== 200) return failed(load, "download", new TypeError(`${response.status}`));
  checkBytes(load, key, bytes, may);
}

/** Checks downloaded bytes: a version the read may see, whole and unchanged. */
function checkBytes(load: Load, key: string, bytes: Uint8Array, may: (v: number) => boolean) {
  const version = versionIn(key, bytes);
  const known = version === undefined ? undefined : load.keys.get(key)!.versions.get(version);
  if (version === undefined || known === undefined || !may(version)) {
    load.tally.wrong.push(`download ${key} gave version ${version}, not one it may`);
    return;
  }
  const expected = contentOf(key, version, known.size);
  if (!Buffer.from(bytes).equals(expected))
    load.tally.wrong.push(`download ${key}@${version} differs`);
}

async function listOwn(load: Load, client: Client, id: number) {
  const prefix = `c${id}/`;
  const starts = new Map([...load.keys].map(([key, state]) => [key, state.acked]));
  load.tally.reads += 1;
  const page = await listPage(client, { prefix, limit: 100 });
  if (!page.ok) return failed(load, "list", page.error);
  const listed = new Set(page.data.items.map((item) => item.key));
  for (const item of page.data.items) {
    const state = load.keys.get(item.key);
    if (state === undefined) load.tally.wrong.push(`list gave an unknown key ${item.key}`);
    else checkHash(load, "list", item.key, item.hash, allowed(state, starts.get(item.key)!));
  }
  for (const [key, acked] of starts) {
    if (key.startsWith(prefix) && acked > 0 && !listed.has(key)) {
      load.tally.wrong.push(`list left out ${key}, acknowledged at ${acked}`);
    }
  }
}

const randomBelow = (n: number) => Math.floor(Math.random() * n);
const keyOf = (client: number, index: number) => `c${client}/k${index}`;

/** One client: uploads to its own keys and reads any key, until the time is up. */
async function runClient(load: Load, client: Client, id: number, until: number) {
  while (performance.now() < until) {
    const own = keyOf(id, randomBelow(keysPerClient));
    const any = keyOf(randomBelow(clients), randomBelow(keysPerClient));
    const pick = Math.random();
    if (pick < 0.4) await write(load, client, id, own, load.keys.get(own)!);
    else if (pick < 0.55) await read(load, client, own);
    else if (pick < 0.6) await listOwn(load, client, id);
    else await read(load, client, any);
  }
}

/** A plain download, tried again when a connection kept from before a restart is found dead. */
async function fetchAgain(url: string): Promise<{ status: number; bytes: Uint8Array }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(url);
      return { status: response.status, bytes: new Uint8Array(await response.arrayBuffer()) };
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/**
 * Reads every key back. Once the clients are done, each must hold its last acknowledged version
 * (or a later one whose upload failed); while they run, any version a read may see.
 */
async function verifyAll(load: Load, client: Client, quiet: boolean): Promise<string[]> {
  const problems: string[] = [];
  for (const [key, state] of load.keys) {
    const ackedAtStart = state.acked;
    const link = await downloadUrl(client, key, { domain: load.domain, private: false });
    if (!link.ok) {
      problems.push(`${key}: ${link.error.code}`);
      continue;
    }
    const { status, bytes } = await fetchAgain(link.data.url);
    if (status === 404) {
      if (ackedAtStart > 0) problems.push(`${key}: lost, acknowledged at ${ackedAtStart}`);
      continue;
    }
    const version = versionIn(key, bytes) ?? -1;
    const known = state.versions.get(version);
    const kept = quiet
      ? version === state.acked || (version > state.acked && state.unsure.has(version))
      : allowed(state, ackedAtStart)(version);
    if (!kept || known === undefined) {
      problems.push(`${key}: holds ${version}, acknowledged ${state.acked}`);
    } else if (!Buffer.from(bytes).equals(contentOf(key, version, known.size))) {
      problems.push(`${key}@${version}: bytes differ`);
    }
  }
  return problems;
}

function newLoad(): Load {
  const keys = new Map<string, KeyState>();
  for (let id = 0; id < clients; id++) {
    for (let k = 0; k < keysPerClient; k++) {
      keys.set(keyOf(id, k), { versions: new Map(), acked: 0, begun: 0, unsure: new Set() });
    }
  }
  return {
    keys,
    tally: { writes: 0, acked: 0, reads: 0, failures: [], wrong: [] },
    domain: "",
    gaps: [],
  };
}

function clientsOf(emulator: Emulator): Client[] {
  return Array.from({ length: clients }, () =>
    createClient({
      accessKey: emulator.accessKey,
      secretKey: emulator.secretKey,
      bucket: "load",
      ucHost: emulator.url,
      timeoutMs: 10_000,
      retry: { retries: 6, baseDelayMs: 50, maxDelayMs: 1000 },
    }),
  );
}

async function domainOf(client: Client): Promise<string> {
  const domains = await listDomains(client);
  if (!domains.ok || domains.data[0] === undefined) throw new Error("the bucket has no domain");
  return domains.data[0];
}

function summary(name: string, load: Load, ms: number): string {
  const { writes, acked, reads, failures } = load.tally;
  const rss = Math.round(process.memoryUsage().rss / MiB);
  return (
    `${name}: ${writes} uploads (${acked} acknowledged), ${reads} reads, ` +
    `${failures.length} failed calls, in ${Math.round(ms / 1000)} s; rss ${rss} MiB`
  );
}

describe("fifty clients mixing uploads and reads for thirty seconds", () => {
  it(
    "lose no acknowledged upload and read nothing wrong, in memory",
    async () => {
      const emulator = await startEmulator({ buckets: ["load"] });
      try {
        const load = newLoad();
        const all = clientsOf(emulator);
        load.domain = await domainOf(all[0]!);

        const started = performance.now();
        await Promise.all(all.map((client, id) => runClient(load, client, id, started + runMs)));
        const problems = await verifyAll(load, all[0]!, true);
        console.info(summary("in memory", load, performance.now() - started));

        expect(load.tally.wrong).toEqual([]);
        expect(problems).toEqual([]);
        expect(load.tally.failures).toEqual([]);
        expect(load.tally.acked).toBeGreaterThan(clients * keysPerClient);
      } finally {
        await emulator.stop();
      }
    },
    runMs * 3,
  );
});

describe("the same load on a data directory, restarted midway", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "qiniu-kit-load-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it(
    "loses no acknowledged upload, across the restart and after another one",
    async () => {
      const keys = { accessKey: "load-ak", secretKey: "load-secret-key-for-the-restart-test" };
      const options = { buckets: ["load"], dataDir: dir, ...keys };
      let emulator = await startEmulator(options);
      const port = emulator.port;
      try {
        const load = newLoad();
        const all = clientsOf(emulator);
        load.domain = await domainOf(all[0]!);

        // Midway, stop the emulator under the clients' feet and start it again.
        const started = performance.now();
        const running = Promise.all(
          all.map((client, id) => runClient(load, client, id, started + runMs)),
        );
        await new Promise((resolve) => setTimeout(resolve, runMs / 2));
        const down = performance.now();
        await emulator.stop();
        emulator = await startEmulator({ ...options, port });
        load.gaps.push({ from: down, to: performance.now() });
        const afterRestart = await verifyAll(load, all[0]!, false);
        await running;

        // Then once more with no one around, and read everything back.
        await emulator.stop();
        emulator = await startEmulator({ ...options, port });
        const problems = await verifyAll(load, all[0]!, true);
        console.info(summary("data directory", load, performance.now() - started));

        expect(load.tally.wrong).toEqual([]);
        expect(afterRestart).toEqual([]);
        expect(problems).toEqual([]);
        expect(load.tally.acked).toBeGreaterThan(clients * keysPerClient);

        // Calls may fail only around the restart, and only with a proper error.
        const proper: ReadonlyArray<KodoErrorCode | "fetch_failed"> = [
          "network_error",
          "timeout",
          "fetch_failed",
        ];
        const gap = load.gaps[0]!;
        for (const failure of load.tally.failures) {
          expect(proper).toContain(failure.code);
          expect(failure.at).toBeGreaterThanOrEqual(gap.from);
          expect(failure.at).toBeLessThanOrEqual(gap.to + 15_000);
        }
      } finally {
        await emulator.stop();
      }
    },
    runMs * 3,
  );
});
