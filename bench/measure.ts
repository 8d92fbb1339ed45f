/**
 * What `bench/run.ts` measures, one measurement per process: run.ts compiles this file to plain
 * JavaScript and runs it with `node`, so that the peak RSS of the process is the uploader's and
 * not a TypeScript loader's. qiniu-kit is loaded from `dist/` (what users run), the official
 * `qiniu` package from `node_modules`. Each run prints one line of JSON.
 *
 *   node measure.mjs <role> [args]   with BENCH_TARGET='{"root","url","accessKey",…}'
 *
 * Roles: `idle`; `etag <file> <runs>`; `upload <ours|peer> <file> <key>`;
 * `form <ours|peer> <prefix> <count> <concurrency>`; `stat <ours|peer> <prefix> <count>
 * <concurrency>`; `fetch ours "" <count> <concurrency>` (bare GETs of the emulator's status);
 * `fetch-rss <count>` (the peak RSS of that many bare GETs, one after the other).
 */
import { createHash } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type Qiniu from "qiniu";

type Kit = typeof import("../src/index.ts");
type Side = "ours" | "peer";

/** The emulator, its keys and bucket, and where the package lives. */
export interface Target {
  root: string;
  url: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
}

/** What an etag run reports: the times of each way, in ms, run after run. */
export interface EtagTimes {
  hash: string;
  ours: number[];
  sha1: number[];
  qetag: number[];
  /**
   * How much faster two SHA-1s of 64 MiB ran at the same time (on Node's thread pool) than one
   * after the other, run after run: about 2 on two idle cores, about 1 when they are busy.
   */
  parallelism: number[];
}

/** What an upload reports. */
export interface UploadMeasure {
  seconds: number;
  /** CPU time of the process during the upload, user and system, in seconds. */
  cpuSeconds: number;
  /** The highest RSS of the process's life, in bytes. */
  peakRss: number;
  hash: string;
}

/** What a run of small operations reports. */
export interface OpsMeasure {
  opsPerSecond: number;
  /** CPU time of the process per timed operation, in ms. */
  cpuMsPerOp: number;
  peakRss: number;
}

const MiB = 1024 * 1024;
/** Operations made before the timed ones: region query, connections, compiled code. */
const WARM_UP = 32;

const target = JSON.parse(process.env.BENCH_TARGET ?? "{}") as Target;
const [role, ...args] = process.argv.slice(2);
/**
 * The highest RSS of this process: the kernel's high-water mark of its memory (VmHWM) where
 * /proc is, since `resourceUsage().maxRSS` also counts what the parent held when it started this
 * process; elsewhere maxRSS.
 */
function peakRss(): number {
  try {
    const found = /^VmHWM:\s*(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (found !== null) return Number(found[1]) * 1024;
  } catch {
    // No /proc: not Linux.
  }
  return process.resourceUsage().maxRSS * 1024;
}

const cpuSince = (before: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
};

if (role === "idle") print({ peakRss: peakRss() });
else if (role === "etag") print(await etagTimes(args[0]!, Number(args[1])));
else if (role === "upload") print(await upload(args[0] as Side, args[1]!, args[2]!));
else if (role === "fetch-rss") print(await fetchRss(Number(args[0])));
else if (role === "form" || role === "stat" || role === "fetch") {
  const [side, prefix, count, concurrency] = args;
  print(await smallOps(role, side as Side, prefix!, Number(count), Number(concurrency)));
} else throw new Error(`unknown role ${role}`);

function print(value: unknown): void {
  console.log(JSON.stringify(value));
}

function loadKit(): Promise<Kit> {
  return import(pathToFileURL(join(target.root, "dist/index.js")).href) as Promise<Kit>;
}

function loadPeer(): typeof Qiniu {
  return createRequire(join(target.root, "package.json"))("qiniu") as typeof Qiniu;
}

function kitClient(kit: Kit) {
  const { accessKey, secretKey, bucket, url } = target;
  return kit.createClient({ accessKey, secretKey, bucket, ucHost: url, timeoutMs: 300_000 });
}

/** The official SDK pointed at the emulator: its uc host, http, no region cache on disk. */
function peerSdk(qiniu: typeof Qiniu) {
  // UC_HOST is a setter the typings leave out; it sends every uc call to the emulator.
  Object.assign(qiniu.conf, { UC_HOST: new URL(target.url).host });
  const config = new qiniu.conf.Config({ useHttpsDomain: false });
  config.regionsQueryResultCachePath = null;
  const mac = new qiniu.auth.digest.Mac(target.accessKey, target.secretKey);
  return { config, mac };
}

/** The peer's answers must be successes, or the run measures nothing. */
function checkPeer(result: { resp: { statusCode?: number | undefined } }, what: string): void {
  if (result.resp.statusCode !== 200) {
    throw new Error(`${what}: the official SDK got ${result.resp.statusCode}`);
  }
}

// The etag of a file three ways, in turn, run after run, so that a busy moment of the machine
// hits all three alike: qiniu-kit's etagFile (as its `etag` command reads a file),
// one-thread SHA-1 of the file read as a stream, and Qiniu's qetag algorithm written plainly.
async function etagTimes(file: string, runs: number): Promise<EtagTimes> {
  const kit = await loadKit();
  const ways = {
    ours: async () => {
      const hashed = await kit.etagFile(file);
      if (!hashed.ok) throw hashed.error;
      return hashed.data;
    },
    sha1: () => sha1OfFile(file),
    qetag: () => plainQetag(file),
  };
  const times: EtagTimes = { hash: "", ours: [], sha1: [], qetag: [], parallelism: [] };

  // A first pass of each, untimed, to warm the page cache and the code; the two etags agree.
  const [ours, , plain] = [await ways.ours(), await ways.sha1(), await ways.qetag()];
  if (ours !== plain) throw new Error(`etag ${ours} differs from the plain qetag ${plain}`);
  times.hash = ours;
  for (let run = 0; run < runs; run++) {
    for (const name of ["ours", "sha1", "qetag"] as const) {
      const start = performance.now();
      await ways[name]();
      times[name].push(performance.now() - start);
    }
    times.parallelism.push(await parallelism());
  }
  return times;
}

/** Two SHA-1s of 64 MiB one after the other, then at the same time: the ratio of the times. */
async function parallelism(): Promise<number> {
  const data = [new Uint8Array(64 * MiB).fill(1), new Uint8Array(64 * MiB).fill(2)];
  const digest = (bytes: Uint8Array<ArrayBuffer>) => crypto.subtle.digest("SHA-1", bytes);
  let start = performance.now();
  for (const bytes of data) await digest(bytes);
  const oneByOne = performance.now() - start;
  start = performance.now();
  await Promise.all(data.map(digest));
  return oneByOne / (performance.now() - start);
}

async function sha1OfFile(file: string): Promise<string> {
  const hash = createHash("sha1");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * Qiniu's etag as its documentation describes it, one block after the other: the SHA-1 of each
 * 4 MiB block; one block gives 0x16 and its SHA-1, more give 0x96 and the SHA-1 of their SHA-1s;
 * URL-safe base64.
 */
async function plainQetag(file: string): Promise<string> {
  const handle = await open(file, "r");
  const block = Buffer.alloc(4 * MiB);
  const digests: Buffer[] = [];
  try {
    for (let position = 0; ; ) {
      const { bytesRead } = await handle.read(block, 0, block.length, position);
      if (bytesRead === 0 && digests.length > 0) break;
      digests.push(createHash("sha1").update(block.subarray(0, bytesRead)).digest());
      position += bytesRead;
      if (bytesRead < block.length) break;
    }
  } finally {
    await handle.close();
  }
  const raw =
    digests.length === 1
      ? Buffer.concat([Buffer.from([0x16]), digests[0]!])
      : Buffer.concat([
          Buffer.from([0x96]),
          createHash("sha1").update(Buffer.concat(digests)).digest(),
        ]);
  return raw.toString("base64url").padEnd(28, "=");
}

// One upload of a file, each library with its defaults: qiniu-kit's putFile (4 MiB parts, 4 at a
// time, resumable); the official SDK's ResumeUploader.putFileV2 (multipart v2, 4 MiB parts).
async function upload(side: Side, file: string, key: string): Promise<UploadMeasure> {
  if (side === "ours") {
    const kit = await loadKit();
    const client = kitClient(kit);
    const [start, cpu] = [performance.now(), process.cpuUsage()];
    const result = await kit.putFile(client, key, file);
    const seconds = (performance.now() - start) / 1000;
    if (!result.ok) throw result.error;
    return { seconds, cpuSeconds: cpuSince(cpu), peakRss: peakRss(), hash: result.data.hash };
  }

  const qiniu = loadPeer();
  const { config, mac } = peerSdk(qiniu);
  const [start, cpu] = [performance.now(), process.cpuUsage()];
  const token = new qiniu.rs.PutPolicy({ scope: `${target.bucket}:${key}` }).uploadToken(mac);
  const uploader = new qiniu.resume_up.ResumeUploader(config);
  const result = await uploader.putFileV2(token, key, file, qiniu.resume_up.PutExtra.create());
  const seconds = (performance.now() - start) / 1000;
  checkPeer(result, "putFileV2");
  const hash = (result.data as { hash: string }).hash;
  return { seconds, cpuSeconds: cpuSince(cpu), peakRss: peakRss(), hash };
}

// Many small operations, `concurrency` at a time: form uploads of 4 KiB (qiniu-kit's put of
// bytes; the official FormUploader.put of a Buffer, with a token signed once), or stats of the
// keys the form uploads made.
async function smallOps(
  kind: "form" | "stat" | "fetch",
  side: Side,
  prefix: string,
  count: number,
  concurrency: number,
): Promise<OpsMeasure> {
  const body = new Uint8Array(4096).map((_, i) => (i * 31 + count) & 0xff);
  const operation =
    kind === "fetch"
      ? bareFetch
      : side === "ours"
        ? await kitOperation(kind, body)
        : peerOperation(kind, body);

  // Warm up on keys of their own, then time `count` operations.
  await runMany(WARM_UP, concurrency, (i) => operation(`${prefix}warm-${i}`));
  const [start, cpu] = [performance.now(), process.cpuUsage()];
  await runMany(count, concurrency, (i) => operation(`${prefix}${i}`));
  const seconds = (performance.now() - start) / 1000;
  return {
    opsPerSecond: count / seconds,
    cpuMsPerOp: (cpuSince(cpu) * 1000) / count,
    peakRss: peakRss(),
  };
}

/** The peak RSS of `count` GETs of the emulator's status, one after the other, and nothing else. */
async function fetchRss(count: number): Promise<{ peakRss: number }> {
  for (let i = 0; i < count; i++) await bareFetch();
  return { peakRss: peakRss() };
}

/** A GET of the emulator's status with Node's fetch and nothing else: fetch's own cost. */
async function bareFetch(): Promise<void> {
  const response = await fetch(`${target.url}/__emulator`);
  if (!response.ok) throw new Error(`GET /__emulator: ${response.status}`);
  await response.arrayBuffer();
}

async function kitOperation(kind: "form" | "stat", body: Uint8Array) {
  const kit = await loadKit();
  const client = kitClient(kit);
  return async (key: string) => {
    const result = kind === "form" ? await kit.put(client, key, body) : await kit.stat(client, key);
    if (!result.ok) throw result.error;
  };
}

function peerOperation(kind: "form" | "stat", body: Uint8Array) {
  const qiniu = loadPeer();
  const { config, mac } = peerSdk(qiniu);
  const token = new qiniu.rs.PutPolicy({ scope: target.bucket }).uploadToken(mac);
  const form = new qiniu.form_up.FormUploader(config);
  const buckets = new qiniu.rs.BucketManager(mac, config);
  const bytes = Buffer.from(body);
  return async (key: string) => {
    if (kind === "form") checkPeer(await form.put(token, key, bytes, null), "FormUploader.put");
    else checkPeer(await buckets.stat(target.bucket, key), "BucketManager.stat");
  };
}

/** Runs `operation(0 … count - 1)`, at most `concurrency` at a time. */
async function runMany(
  count: number,
  concurrency: number,
  operation: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await operation(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
