/** The measurements of `npm run bench`, each turned into rows of the table. */
import { spawnSync } from "node:child_process";
import { rm } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import {
  fixed,
  list,
  MiB,
  median,
  mib,
  pairedRatio,
  record,
  type Side,
  say,
  turns,
} from "./figures.ts";
import type { EtagTimes, OpsMeasure, UploadMeasure } from "./measure.ts";
import { type Bench, childEnv, cpuSeconds, generateFile, measure, root } from "./processes.ts";
import type { Row } from "./report.ts";

type Kit = typeof import("../src/index.ts");

const ETAG_RUNS = 5;
const UPLOAD_RUNS = 5;
/** The wait before each answer in the uploads to a distant region, and their runs each side. */
const LATENCY_MS = 20;
const LATENCY_RUNS = 2;
const OPS = 1000;
const OPS_CONCURRENCY = 16;
const OPS_RUNS = 5;
const IMPORT_RUNS = 15;
/** How far the peak RSS of a 1 GiB upload may be from that of a 256 MiB one. */
const SAME_RSS = 16 * MiB;

/** How each measurement runs, for the page. */
export const method = {
  etag: ETAG_RUNS,
  uploads: UPLOAD_RUNS,
  latencyRuns: LATENCY_RUNS,
  latencyMs: LATENCY_MS,
  ops: OPS,
  opsConcurrency: OPS_CONCURRENCY,
  opsRuns: OPS_RUNS,
  importRuns: IMPORT_RUNS,
};

/**
 * The etag of a 256 MiB file against one-thread SHA-1 and the plain qetag algorithm.
 *
 * @returns The rows, and the file's etag.
 */
export async function etagRows(bench: Bench, file: string): Promise<{ rows: Row[]; hash: string }> {
  const times = await measure<EtagTimes>(bench, "etag", file, ETAG_RUNS);
  record(`etag of 256 MiB, qiniu-kit (ms): ${list(times.ours)}`);
  record(`SHA-1, one thread (ms):          ${list(times.sha1)}`);
  record(`plain qetag (ms):                ${list(times.qetag)}`);
  record(`2 SHA-1s at once vs in turn (×): ${list(times.parallelism, 2)}`);
  const speed = (ms: number) => `${fixed(ms, 0)} ms (${fixed(256_000 / ms, 0)} MiB/s)`;
  const vsSha1 = pairedRatio(times.sha1, times.ours);
  const vsQetag = pairedRatio(times.qetag, times.ours);
  const parallel = median(times.parallelism);
  const rows: Row[] = [
    {
      what: "etag of a 256 MiB file vs one-thread SHA-1",
      note:
        "qiniu-kit's `etagFile` (as its `etag` command reads a file) against the SHA-1 of the " +
        "same file with node:crypto, on one thread, read as a stream (`createReadStream`). " +
        `Cores free meanwhile: two SHA-1s at once ran ${fixed(parallel)}× as fast as one ` +
        "after the other (about 2× on two idle cores, 1× on busy ones); hashing blocks in " +
        "parallel can only win where cores are free.",
      label: "etag 256 MiB vs 1-thread SHA-1",
      ours: speed(median(times.ours)),
      peer: `SHA-1: ${speed(median(times.sha1))}`,
      figure: `${fixed(vsSha1)}× the speed of SHA-1`,
      advantage: vsSha1,
      better: "the speed",
      goal: 1,
      goalText: "≥ 1.0× one-thread SHA-1",
      met: vsSha1 >= 1,
    },
    {
      what: "etag of a 256 MiB file vs the plain qetag",
      note:
        "Qiniu's qetag algorithm written plainly: the file read 4 MiB at a time, the SHA-1 " +
        "of each block in turn with node:crypto (the official SDK has no etag).",
      label: "etag 256 MiB vs plain qetag",
      ours: speed(median(times.ours)),
      peer: `plain qetag: ${speed(median(times.qetag))}`,
      figure: `${fixed(vsQetag)}× the speed of the plain qetag`,
      advantage: vsQetag,
      better: "the speed",
      goal: undefined,
      goalText: "none of its own (the goal is the row above)",
      met: undefined,
    },
  ];
  return { rows, hash: times.hash };
}

/** An upload as measured, with the CPU the emulator spent meanwhile. */
type Upload = UploadMeasure & { emulatorCpu: number | undefined };

/**
 * Uploads of 256 MiB (a few runs each side) and of 1 GiB (one run each side), each in a fresh
 * process; the objects are removed after each upload.
 *
 * @param file256 - The 256 MiB file; removed once those uploads are done.
 * @param hash256 - Its etag, which every upload must answer.
 * @param idleRss - The peak RSS of a `node` process that does nothing.
 * @returns The rows.
 */
export async function uploadRows(
  bench: Bench,
  kit: Kit,
  dir: string,
  file256: string,
  hash256: string,
  idleRss: number,
): Promise<Row[]> {
  const { accessKey, secretKey, bucket, url } = bench.target;
  const client = kit.createClient({ accessKey, secretKey, bucket, ucHost: url });
  const uploadOnce = async (side: Side, file: string, key: string): Promise<Upload> => {
    const before = await cpuSeconds(bench.emulator.pid);
    const result = await measure<UploadMeasure>(bench, "upload", side, file, key);
    const after = await cpuSeconds(bench.emulator.pid);
    const removed = await kit.remove(client, key);
    if (!removed.ok) throw removed.error;
    const emulatorCpu = before === undefined || after === undefined ? undefined : after - before;
    return { ...result, emulatorCpu };
  };
  const describe = (size: string, side: Side, run: Upload) =>
    `upload ${size}, ${side}: ${fixed(run.seconds)} s, CPU ${fixed(run.cpuSeconds)} s ` +
    `(emulator ${run.emulatorCpu === undefined ? "?" : fixed(run.emulatorCpu)} s), ` +
    `peak RSS ${mib(run.peakRss)}`;

  // 256 MiB, a few times each side, in turns; every upload must give the file's etag.
  const runs = { ours: [] as Upload[], peer: [] as Upload[] };
  for (let run = 0; run < UPLOAD_RUNS; run++) {
    for (const side of turns(run)) {
      const result = await uploadOnce(side, file256, `large/${side}/${run}`);
      if (result.hash !== hash256) throw new Error(`${side} uploaded ${result.hash}`);
      runs[side].push(result);
      record(describe("256 MiB", side, result));
    }
  }

  // The same with the emulator waiting before each answer, as a region some way off would.
  const distant = { ours: [] as Upload[], peer: [] as Upload[] };
  await setLatency(url, LATENCY_MS);
  try {
    for (let run = 0; run < LATENCY_RUNS; run++) {
      for (const side of turns(run)) {
        const result = await uploadOnce(side, file256, `distant/${side}/${run}`);
        if (result.hash !== hash256) throw new Error(`${side} uploaded ${result.hash}`);
        distant[side].push(result);
        record(describe(`256 MiB, ${LATENCY_MS} ms per request`, side, result));
      }
    }
  } finally {
    await setLatency(url, 0);
  }

  // 1 GiB, once each side, for the RSS; both must answer the same hash.
  await rm(file256);
  const file1g = join(dir, "source-1g.bin");
  say("writing a 1 GiB file");
  await generateFile(file1g, 1024 * MiB);
  const ours1g = await uploadOnce("ours", file1g, "huge/ours");
  record(describe("1 GiB", "ours", ours1g));
  const peer1g = await uploadOnce("peer", file1g, "huge/peer");
  record(describe("1 GiB", "peer", peer1g));
  await rm(file1g);
  if (ours1g.hash !== peer1g.hash) throw new Error(`1 GiB: ${ours1g.hash} ≠ ${peer1g.hash}`);

  // The figures: time by pairs of runs, RSS by medians.
  const seconds = (side: Side) => runs[side].map((r) => r.seconds);
  const speedup = pairedRatio(seconds("peer"), seconds("ours"));
  const timing = (side: Side) => {
    const s = median(seconds(side));
    const cpu = median(runs[side].map((r) => r.cpuSeconds));
    return `${fixed(s)} s (${fixed(256 / s, 0)} MiB/s; CPU ${fixed(cpu)} s)`;
  };
  const distantSeconds = (side: Side) => distant[side].map((r) => r.seconds);
  const distantSpeedup = pairedRatio(distantSeconds("peer"), distantSeconds("ours"));
  const distantTiming = (side: Side) => {
    const s = median(distantSeconds(side));
    return `${fixed(s)} s (${fixed(256 / s, 0)} MiB/s)`;
  };
  const oursRss = median(runs.ours.map((r) => r.peakRss));

  // What a process that only makes the upload's requests with fetch reaches: the region query,
  // the start, a request per 4 MiB part and the completion.
  const requests = 3 + (256 * MiB) / (4 * MiB);
  const floors: number[] = [];
  for (let run = 0; run < UPLOAD_RUNS; run++) {
    floors.push((await measure<{ peakRss: number }>(bench, "fetch-rss", requests)).peakRss);
  }
  const fetchFloor = median(floors);
  record(`${requests} bare fetch GETs, peak RSS: ${floors.map(mib).join(", ")}`);
  const peerRss = median(runs.peer.map((r) => r.peakRss));
  const rss = (bytes: number) => `${mib(bytes)} (+${mib(bytes - idleRss)} on a bare node)`;
  const growth = ours1g.peakRss - oursRss;
  const sign = growth >= 0 ? "+" : "−";
  return [
    {
      what: "256 MiB upload, wall time",
      note:
        "qiniu-kit's `putFile` against the official `ResumeUploader.putFileV2`. CPU is the " +
        "uploading process's own; the emulator's is in the list of every run. " +
        cpuFloor(runs.ours, median(seconds("peer")) / 2),
      label: "upload 256 MiB, speed",
      ours: timing("ours"),
      peer: timing("peer"),
      figure: `${fixed(speedup)}× faster`,
      advantage: speedup,
      better: "faster",
      goal: 2,
      goalText: "≥ 2× faster",
      met: speedup >= 2,
    },
    {
      what: `256 MiB upload, ${LATENCY_MS} ms per request`,
      note:
        `The same uploads, ${LATENCY_RUNS} runs each side, with the emulator waiting ` +
        `${LATENCY_MS} ms before each answer, as a region some way off would: what sending ` +
        "parts a few at a time is for, which loopback cannot show. A reference: the goal is " +
        "judged on the row above.",
      label: `upload 256 MiB, ${LATENCY_MS} ms latency`,
      ours: distantTiming("ours"),
      peer: distantTiming("peer"),
      figure: `${fixed(distantSpeedup)}× faster`,
      advantage: distantSpeedup,
      better: "faster",
      goal: undefined,
      goalText: "none of its own (the goal is the row above)",
      met: undefined,
    },
    {
      what: "256 MiB upload, peak RSS",
      note:
        `Node's fetch by itself, making as many requests one after the other (${requests}, ` +
        `GETs of the emulator's status) and nothing else, peaks at ${mib(fetchFloor)}; the ` +
        `goal allows ${mib(peerRss / 2)}.`,
      label: "upload 256 MiB, peak RSS",
      ours: rss(oursRss),
      peer: rss(peerRss),
      figure: `${fixed(oursRss / peerRss)}× the peer's`,
      advantage: peerRss / oursRss,
      better: "less memory",
      goal: 2,
      goalText: "≤ 0.5× the peer's",
      met: oursRss <= peerRss / 2,
    },
    {
      what: "1 GiB upload, peak RSS",
      note: "One run each side.",
      label: "upload 1 GiB, peak RSS",
      ours: `${rss(ours1g.peakRss)}; ${sign}${mib(Math.abs(growth))} on 256 MiB`,
      peer: rss(peer1g.peakRss),
      figure: `${fixed(ours1g.peakRss / peer1g.peakRss)}× the peer's`,
      advantage: peer1g.peakRss / ours1g.peakRss,
      better: "less memory",
      goal: 2,
      goalText: `≤ 0.5× the peer's, and within ${mib(SAME_RSS)} of the 256 MiB figure`,
      met: ours1g.peakRss <= peer1g.peakRss / 2 && Math.abs(growth) < SAME_RSS,
    },
  ];
}

/**
 * Form uploads of 4 KiB, then stats, `OPS` of them `OPS_CONCURRENCY` at a time, a few runs each
 * side, each in a fresh process.
 *
 * @returns A row for each.
 */
export async function smallOpsRows(bench: Bench): Promise<Row[]> {
  const rows: Row[] = [];

  // What Node's fetch costs by itself: GETs of the emulator's status, the same way.
  const bare: OpsMeasure[] = [];
  for (let run = 0; run < OPS_RUNS; run++) {
    bare.push(await measure<OpsMeasure>(bench, "fetch", "ours", "", OPS, OPS_CONCURRENCY));
  }
  const fetchCpu = median(bare.map((r) => r.cpuMsPerOp));
  record(
    `${OPS} bare fetch GETs: CPU ${list(
      bare.map((r) => r.cpuMsPerOp),
      2,
    )} ms per request`,
  );

  for (const kind of ["form", "stat"] as const) {
    const runs = { ours: [] as OpsMeasure[], peer: [] as OpsMeasure[] };
    for (let run = 0; run < OPS_RUNS; run++) {
      for (const side of turns(run)) {
        // Stats read the keys that qiniu-kit's first form uploads made, on both sides.
        const prefix = kind === "form" ? `small/${side}/${run}/` : "small/ours/0/";
        const args = [side, prefix, OPS, OPS_CONCURRENCY];
        runs[side].push(await measure<OpsMeasure>(bench, kind, ...args));
      }
    }
    const name = kind === "form" ? "form uploads of 4 KiB" : "stats";
    for (const side of ["ours", "peer"] as const) {
      const rates = list(runs[side].map((r) => r.opsPerSecond));
      const cpu = list(
        runs[side].map((r) => r.cpuMsPerOp),
        2,
      );
      record(`${OPS} ${name}, ${side}: ${rates} ops/s; CPU ${cpu} ms per operation`);
    }
    const rate = (side: Side) => runs[side].map((r) => r.opsPerSecond);
    const shown = (side: Side) =>
      `${fixed(median(rate(side)), 0)} ops/s ` +
      `(CPU ${fixed(median(runs[side].map((r) => r.cpuMsPerOp)))} ms per operation)`;
    const ratio = pairedRatio(rate("ours"), rate("peer"));
    rows.push({
      what: kind === "form" ? `${OPS} form uploads of 4 KiB` : `${OPS} stats`,
      note:
        (kind === "form"
          ? "qiniu-kit's `put` of bytes against `FormUploader.put` of a Buffer"
          : "qiniu-kit's `stat` against `BucketManager.stat`, of keys that exist") +
        `, ${OPS_CONCURRENCY} at a time. CPU per operation is the client process's own. ` +
        `Node's fetch by itself spends ${fixed(fetchCpu)} ms of CPU per request here (` +
        `${OPS} GETs of the emulator's status, ${OPS_CONCURRENCY} at a time, in a fresh ` +
        "process); while the client's CPU " +
        "sets the pace, 1.5× the peer's rate needs at most " +
        `${fixed(median(runs.peer.map((r) => r.cpuMsPerOp)) / 1.5)} ms per operation in all.`,
      label: kind === "form" ? `${OPS} form uploads of 4 KiB` : `${OPS} stats`,
      ours: shown("ours"),
      peer: shown("peer"),
      figure: `${fixed(ratio)}× the peer's ops/s`,
      advantage: ratio,
      better: "the ops/s",
      goal: 1.5,
      goalText: "≥ 1.5× the peer's ops/s",
      met: ratio >= 1.5,
    });
  }
  return rows;
}

/** Runs `node -e <code>` in the package's directory and gives its wall time in ms. */
function timeNode(code: string): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["-e", code], { cwd: root, env: childEnv() });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`node -e ${code} failed:\n${run.stderr}`);
  return elapsed;
}

/**
 * The wall time of `node -e 'import("qiniu-kit")'` and of `node -e 'import("qiniu")'`, with a
 * bare `node -e ""` beside them, in turns.
 *
 * @returns The row.
 */
export function coldImportRow(): Row {
  const codes = { empty: "", ours: 'import("qiniu-kit")', peer: 'import("qiniu")' };
  const times = { empty: [] as number[], ours: [] as number[], peer: [] as number[] };
  for (let run = -3; run < IMPORT_RUNS; run++) {
    for (const name of ["empty", ...turns(run + 3)] as const) {
      const ms = timeNode(codes[name]);
      if (run >= 0) times[name].push(ms);
    }
  }
  record(`node -e "" (ms):                     ${list(times.empty)}`);
  record(`node -e 'import("qiniu-kit")' (ms):  ${list(times.ours)}`);
  record(`node -e 'import("qiniu")' (ms):      ${list(times.peer)}`);
  const ratio = pairedRatio(times.peer, times.ours);
  const empty = median(times.empty);
  const shown = (ms: number) => `${fixed(ms, 0)} ms (+${fixed(ms - empty, 0)} on a bare node)`;
  return {
    what: "cold import",
    note:
      "Wall time of `node -e 'import(\"qiniu-kit\")'` and of `node -e 'import(\"qiniu\")'`; " +
      `a bare \`node -e ""\` takes ${fixed(empty, 0)} ms.`,
    label: "cold import",
    ours: shown(median(times.ours)),
    peer: shown(median(times.peer)),
    figure: `${fixed(ratio)}× faster`,
    advantage: ratio,
    better: "faster",
    goal: 1,
    goalText: "ahead of the peer (> 1×)",
    met: ratio > 1,
  };
}

type BundleSize = { ok: true; bytes: number; gzip: number } | { ok: false; errors: string[] };

/** A minified bundle of code that imports packages by name. */
async function bundleSize(
  code: string,
  platform: "browser" | "node",
  external: string[] = [],
): Promise<BundleSize> {
  try {
    const result = await build({
      stdin: { contents: code, resolveDir: root, loader: "js" },
      absWorkingDir: root,
      bundle: true,
      minify: true,
      format: "esm",
      platform,
      external,
      write: false,
      logLevel: "silent",
    });
    const bytes = result.outputFiles[0]!.contents;
    return { ok: true, bytes: bytes.length, gzip: gzipSync(bytes).length };
  } catch (error) {
    const errors = (error as { errors?: { text: string }[] }).errors ?? [];
    return { ok: false, errors: errors.length > 0 ? errors.map((e) => e.text) : [String(error)] };
  }
}

function kib(bundle: BundleSize): string {
  if (!bundle.ok) throw new Error(`a bundle failed: ${bundle.errors.slice(0, 3).join("; ")}`);
  return `${fixed(bundle.bytes / 1024, 1)} KiB (${fixed(bundle.gzip / 1024, 1)} KiB gzipped)`;
}

/**
 * The minified bundle of an entry that stats an object: qiniu-kit's `createClient` and `stat`
 * against the official SDK's `BucketManager.stat`, for browsers when the peer bundles for them,
 * else both for Node.
 *
 * @returns The row.
 */
export async function bundleRow(): Promise<Row> {
  const ours = 'export { createClient, stat } from "qiniu-kit";';
  const peer = [
    'import qiniu from "qiniu";',
    "export function stat(accessKey, secretKey, bucket, key) {",
    "  const mac = new qiniu.auth.digest.Mac(accessKey, secretKey);",
    "  return new qiniu.rs.BucketManager(mac, new qiniu.conf.Config()).stat(bucket, key);",
    "}",
  ].join("\n");
  const statOnly = await bundleSize('export { stat } from "qiniu-kit";', "browser");
  const oursBrowser = await bundleSize(ours, "browser");
  const peerBrowser = await bundleSize(peer, "browser");

  // When the peer cannot be bundled for browsers, both are bundled for Node. urllib, which the
  // peer uses, requires `proxy-agent`, an optional package that is not installed: left out.
  const platform = peerBrowser.ok ? "browser" : "node";
  const oursBundle = peerBrowser.ok ? oursBrowser : await bundleSize(ours, "node");
  const peerBundle = peerBrowser.ok ? peerBrowser : await bundleSize(peer, "node", ["proxy-agent"]);
  record(`bundle, qiniu-kit stat alone, browser: ${kib(statOnly)}`);
  record(`bundle, qiniu-kit createClient + stat, browser: ${kib(oursBrowser)}`);
  record(`bundle, qiniu-kit createClient + stat, ${platform}: ${kib(oursBundle)}`);
  record(`bundle, qiniu BucketManager.stat, ${platform}: ${kib(peerBundle)}`);
  if (!peerBrowser.ok) {
    const count = peerBrowser.errors.length;
    record(`qiniu for browsers: ${count} errors, the first: ${peerBrowser.errors[0]}`);
  }
  if (!oursBundle.ok || !peerBundle.ok) throw new Error("unreachable: kib() checked them");

  const ratio = peerBundle.bytes / oursBundle.bytes;
  const where = peerBrowser.ok
    ? "for browsers"
    : `for Node, since the peer does not bundle for browsers (${peerBrowser.errors[0]}, ` +
      `and ${peerBrowser.errors.length - 1} more errors)`;
  return {
    what: "bundle of a one-operation entry (stat)",
    note:
      `Minified by esbuild, ${where}. qiniu-kit's \`createClient\` and \`stat\` for browsers: ` +
      `${kib(oursBrowser)}; \`stat\` alone: ${kib(statOnly)}.`,
    label: "bundle of a stat entry",
    ours: kib(oursBundle),
    peer: kib(peerBundle),
    figure: `${fixed(ratio, 1)}× smaller`,
    advantage: ratio,
    better: "smaller",
    goal: 1,
    goalText: "ahead of the peer (> 1×)",
    met: ratio > 1,
  };
}

/** Makes the emulator wait `ms` before answering any request, or (0) no longer. */
async function setLatency(url: string, ms: number): Promise<void> {
  const faults = `${url}/__emulator/faults`;
  const response =
    ms === 0
      ? await fetch(faults, { method: "DELETE" })
      : await fetch(faults, { method: "POST", body: JSON.stringify({ route: "*", delayMs: ms }) });
  if (!response.ok) throw new Error(`the emulator refused the latency: ${response.status}`);
  await response.arrayBuffer();
}

/**
 * What the CPU of the uploader and of the emulator together allows on this machine: no upload
 * can take less than their CPU time spread over every core.
 *
 * @param runs - qiniu-kit's uploads.
 * @param wanted - The time the goal asks for, in seconds.
 * @returns A sentence for the note of the row.
 */
function cpuFloor(runs: readonly Upload[], wanted: number): string {
  const cores = os.cpus().length;
  const total = median(runs.map((run) => run.cpuSeconds + (run.emulatorCpu ?? 0)));
  const floor = total / cores;
  return (
    `Uploader and emulator together use ${fixed(total)} CPU-seconds per upload: on ` +
    `${cores} cores none can take less than ${fixed(floor)} s, ` +
    (floor > wanted ? "more than" : "against") +
    ` the ${fixed(wanted)} s that 2× would need.`
  );
}
