/**
 * `npm run bench`: qiniu-kit against the official `qiniu` package, in one run, against the same
 * local emulator, and docs/benchmarks.md and docs/benchmarks.svg written from the figures.
 *
 * The emulator runs in a process of its own, with its data in a temporary folder; every
 * measurement runs in a fresh `node` process of its own (bench/measure.ts, compiled to plain
 * JavaScript), so that the peak RSS of an upload is the uploader's. qiniu-kit is measured as
 * users run it, from `dist/` (built first when missing or older than `src/`). Each figure is a
 * median of several runs, and each is given as a ratio to the peer, runs of both sides taking
 * turns, since absolute times drift on a shared machine. A few minutes on 2 cores.
 *
 *   npm run bench
 */
import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import { randomBytes, randomFillSync } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, open, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { build, version as esbuildVersion } from "esbuild";
import type { EtagTimes, OpsMeasure, Target, UploadMeasure } from "./measure.ts";
import { benchmarkChart, benchmarkPage, type Row } from "./report.ts";

type Kit = typeof import("../src/index.ts");
type Side = "ours" | "peer";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const MiB = 1024 * 1024;
const BUCKET = "bench";
const UPLOAD_RUNS = 3;
const ETAG_RUNS = 5;
const OPS = 1000;
const OPS_CONCURRENCY = 16;
const OPS_RUNS = 3;
const IMPORT_RUNS = 15;
/** How far the peak RSS of a 1 GiB upload may be from that of a 256 MiB one. */
const SAME_RSS = 16 * MiB;

const execFileAsync = promisify(execFile);
const started = performance.now();
const log: string[] = [];

function say(line: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(0).padStart(4);
  console.log(`[${seconds} s] ${line}`);
}

/** Keeps a line for the page's list of every run, and shows it. */
function record(line: string): void {
  log.push(line);
  say(line);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The median of the ratios of runs made in turn: `top[i] / bottom[i]`. */
function pairedRatio(top: readonly number[], bottom: readonly number[]): number {
  return median(top.map((value, i) => value / bottom[i]!));
}

const list = (values: readonly number[], digits = 0) =>
  values.map((value) => value.toFixed(digits)).join(", ");
const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
const fixed = (value: number, digits = 2) => value.toFixed(digits);

// ---------------------------------------------------------------------------------------------
// Preparation: the build, the measuring script, the emulator, the source files.

/** Builds `dist/` when it is missing or older than a file of `src/`. */
async function ensureBuilt(): Promise<void> {
  const built = await stat(join(root, "dist/index.js")).catch(() => undefined);
  let newest = 0;
  for (const name of await readdir(join(root, "src"), { recursive: true })) {
    newest = Math.max(newest, (await stat(join(root, "src", name))).mtimeMs);
  }
  if (built !== undefined && built.mtimeMs >= newest) return;
  say(built === undefined ? "dist/ is missing: building" : "dist/ is older than src/: building");
  const run = spawnSync("npx", ["tsup"], { cwd: root, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`npx tsup failed:\n${run.stdout}\n${run.stderr}`);
}

/** Compiles bench/measure.ts to plain JavaScript, to run with `node` alone. */
async function compileMeasure(dir: string): Promise<string> {
  const outfile = join(dir, "measure.mjs");
  await build({
    entryPoints: [join(root, "bench/measure.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
  });
  return outfile;
}

/** The environment of the processes measured: NODE_OPTIONS left out, so no loader rides along. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  return env;
}

/** Starts `qiniu-kit emulator` (from dist/) in a process of its own, with its data on disk. */
async function startEmulatorProcess(
  dataDir: string,
): Promise<{ target: Target; child: ChildProcess }> {
  const accessKey = randomBytes(15).toString("base64url");
  const secretKey = randomBytes(30).toString("base64url");
  const child = spawn(
    process.execPath,
    [
      join(root, "dist/cli/main.js"),
      "emulator",
      ...["--port", "0", "--data-dir", dataDir, "--bucket", BUCKET],
      ...["--access-key", accessKey, "--secret-key", secretKey, "--quiet"],
    ],
    { stdio: ["ignore", "pipe", "inherit"], env: childEnv() },
  );
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolveUrl, reject) => {
    lines.on("line", (line) => {
      const found = /listening on (http:\/\/\S+)/.exec(line);
      if (found !== null) resolveUrl(found[1]!);
    });
    child.once("exit", (code) => reject(new Error(`the emulator ended with code ${code}`)));
  });
  return { target: { root, url, accessKey, secretKey, bucket: BUCKET }, child };
}

/** Writes a file of a given size, 4 MiB at a time: random bytes, each block made different. */
async function generateFile(path: string, size: number): Promise<void> {
  const block = randomFillSync(new Uint8Array(4 * MiB));
  const file = await open(path, "w");
  try {
    for (let at = 0, index = 0; at < size; at += block.length, index++) {
      new DataView(block.buffer).setUint32(0, index);
      await file.write(block, 0, Math.min(block.length, size - at));
    }
  } finally {
    await file.close();
  }
}

/** Runs bench/measure.ts in a fresh process and gives what it printed. */
async function measure<T>(
  script: string,
  target: Target,
  role: string,
  ...args: (string | number)[]
): Promise<T> {
  try {
    const { stdout } = await execFileAsync(process.execPath, [script, role, ...args.map(String)], {
      env: childEnv({ BENCH_TARGET: JSON.stringify(target) }),
      maxBuffer: 16 * MiB,
    });
    return JSON.parse(stdout.trim().split("\n").at(-1)!) as T;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`measure ${role} ${args.join(" ")} failed:\n${stderr}`, { cause: error });
  }
}

/** Both sides, the order swapped from one run to the next. */
function turns(run: number): Side[] {
  return run % 2 === 0 ? ["ours", "peer"] : ["peer", "ours"];
}

// ---------------------------------------------------------------------------------------------
// The measurements. Each gives its rows.

async function etagRows(script: string, target: Target, file: string) {
  const times = await measure<EtagTimes>(script, target, "etag", file, ETAG_RUNS);
  record(`etag of 256 MiB, qiniu-kit (ms): ${list(times.ours)}`);
  record(`SHA-1, one thread (ms):          ${list(times.sha1)}`);
  record(`plain qetag (ms):                ${list(times.qetag)}`);
  const speed = (ms: number) => `${fixed(ms, 0)} ms (${fixed(256_000 / ms, 0)} MiB/s)`;
  const vsSha1 = pairedRatio(times.sha1, times.ours);
  const vsQetag = pairedRatio(times.qetag, times.ours);
  const rows: Row[] = [
    {
      what: "etag of a 256 MiB file, vs one-thread SHA-1 of the same bytes (node:crypto)",
      label: "etag 256 MiB vs 1-thread SHA-1",
      ours: speed(median(times.ours)),
      peer: `SHA-1: ${speed(median(times.sha1))}`,
      figure: `${fixed(vsSha1)}× the speed of SHA-1`,
      advantage: vsSha1,
      goal: 1,
      goalText: "≥ 1.0× one-thread SHA-1",
      met: vsSha1 >= 1,
    },
    {
      what:
        "etag of a 256 MiB file, vs Qiniu's qetag algorithm written plainly " +
        "(the official SDK has no etag)",
      label: "etag 256 MiB vs plain qetag",
      ours: speed(median(times.ours)),
      peer: `plain qetag: ${speed(median(times.qetag))}`,
      figure: `${fixed(vsQetag)}× the speed of the plain qetag`,
      advantage: vsQetag,
      goal: undefined,
      goalText: "none of its own (the goal is the row above)",
      met: undefined,
    },
  ];
  return { rows, hash: times.hash };
}

async function uploadRows(
  script: string,
  target: Target,
  kit: Kit,
  dir: string,
  file256: string,
  hash256: string,
) {
  const { accessKey, secretKey, bucket, url } = target;
  const client = kit.createClient({ accessKey, secretKey, bucket, ucHost: url });
  const runs = { ours: [] as UploadMeasure[], peer: [] as UploadMeasure[] };
  const uploadOnce = async (side: Side, file: string, key: string) => {
    const result = await measure<UploadMeasure>(script, target, "upload", side, file, key);
    const removed = await kit.remove(client, key);
    if (!removed.ok) throw removed.error;
    return result;
  };

  // 256 MiB, a few times each side, in turns; every upload must give the file's etag.
  for (let run = 0; run < UPLOAD_RUNS; run++) {
    for (const side of turns(run)) {
      const result = await uploadOnce(side, file256, `large/${side}/${run}`);
      if (result.hash !== hash256)
        throw new Error(`${side} uploaded ${result.hash}, not ${hash256}`);
      runs[side].push(result);
      say(`upload 256 MiB, ${side}: ${fixed(result.seconds)} s, peak RSS ${mib(result.peakRss)}`);
    }
  }
  for (const side of ["ours", "peer"] as const) {
    record(
      `upload 256 MiB, ${side} (s):             ${list(
        runs[side].map((r) => r.seconds),
        2,
      )}`,
    );
    record(
      `upload 256 MiB, ${side} peak RSS (MiB):  ${list(runs[side].map((r) => r.peakRss / MiB))}`,
    );
  }

  // 1 GiB, once each side, for the RSS.
  await rm(file256);
  const file1g = join(dir, "source-1g.bin");
  say("writing a 1 GiB file");
  await generateFile(file1g, 1024 * MiB);
  const ours1g = await uploadOnce("ours", file1g, "huge/ours");
  const peer1g = await uploadOnce("peer", file1g, "huge/peer");
  await rm(file1g);
  if (ours1g.hash !== peer1g.hash) throw new Error(`1 GiB: ${ours1g.hash} ≠ ${peer1g.hash}`);
  for (const [side, result] of [
    ["ours", ours1g],
    ["peer", peer1g],
  ] as const) {
    record(`upload 1 GiB, ${side}: ${fixed(result.seconds)} s, peak RSS ${mib(result.peakRss)}`);
  }

  // The figures: time by pairs of runs, RSS by medians.
  const seconds = (side: Side) => runs[side].map((r) => r.seconds);
  const speedup = pairedRatio(seconds("peer"), seconds("ours"));
  const oursRss = median(runs.ours.map((r) => r.peakRss));
  const peerRss = median(runs.peer.map((r) => r.peakRss));
  const growth = ours1g.peakRss - oursRss;
  const throughput = (s: number, size: number) => `${fixed(s)} s (${fixed(size / s, 0)} MiB/s)`;
  const rows: Row[] = [
    {
      what: "256 MiB upload (putFile) vs the official `ResumeUploader.putFileV2`, time",
      label: "upload 256 MiB, speed",
      ours: throughput(median(seconds("ours")), 256),
      peer: throughput(median(seconds("peer")), 256),
      figure: `${fixed(speedup)}× faster`,
      advantage: speedup,
      goal: 2,
      goalText: "≥ 2× faster",
      met: speedup >= 2,
    },
    {
      what: "256 MiB upload, peak RSS of the uploading process",
      label: "upload 256 MiB, peak RSS",
      ours: mib(oursRss),
      peer: mib(peerRss),
      figure: `${fixed(oursRss / peerRss)}× the peer's`,
      advantage: peerRss / oursRss,
      goal: 2,
      goalText: "≤ 0.5× the peer's",
      met: oursRss <= peerRss / 2,
    },
    {
      what: "1 GiB upload, peak RSS of the uploading process (one run each)",
      label: "upload 1 GiB, peak RSS",
      ours: `${mib(ours1g.peakRss)} (${growth >= 0 ? "+" : "−"}${mib(Math.abs(growth))} on 256 MiB)`,
      peer: mib(peer1g.peakRss),
      figure: `${fixed(ours1g.peakRss / peer1g.peakRss)}× the peer's`,
      advantage: peer1g.peakRss / ours1g.peakRss,
      goal: 2,
      goalText: `≤ 0.5× the peer's, and within ${mib(SAME_RSS)} of the 256 MiB figure`,
      met: ours1g.peakRss <= peer1g.peakRss / 2 && Math.abs(growth) < SAME_RSS,
    },
  ];
  return rows;
}

async function smallOpsRows(script: string, target: Target): Promise<Row[]> {
  const rows: Row[] = [];
  for (const kind of ["form", "stat"] as const) {
    const rates = { ours: [] as number[], peer: [] as number[] };
    for (let run = 0; run < OPS_RUNS; run++) {
      for (const side of turns(run)) {
        // Stats read the keys the first form uploads of qiniu-kit made, on both sides.
        const prefix = kind === "form" ? `small/${side}/${run}/` : "small/ours/0/";
        const result = await measure<OpsMeasure>(
          script,
          target,
          kind,
          side,
          prefix,
          OPS,
          OPS_CONCURRENCY,
        );
        rates[side].push(result.opsPerSecond);
      }
    }
    const name = kind === "form" ? "form uploads of 4 KiB" : "stats";
    record(`${OPS} ${name}, ours (ops/s): ${list(rates.ours)}`);
    record(`${OPS} ${name}, peer (ops/s): ${list(rates.peer)}`);
    const ratio = pairedRatio(rates.ours, rates.peer);
    rows.push({
      what:
        kind === "form"
          ? `${OPS} form uploads of 4 KiB (put / \`FormUploader.put\`), ${OPS_CONCURRENCY} at a time`
          : `${OPS} stats (stat / \`BucketManager.stat\`), ${OPS_CONCURRENCY} at a time`,
      label: kind === "form" ? `${OPS} form uploads of 4 KiB` : `${OPS} stats`,
      ours: `${fixed(median(rates.ours), 0)} ops/s`,
      peer: `${fixed(median(rates.peer), 0)} ops/s`,
      figure: `${fixed(ratio)}× the peer's ops/s`,
      advantage: ratio,
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

function coldImportRow(): Row {
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
  const shown = (ms: number) => `${fixed(ms, 0)} ms (import: +${fixed(ms - empty, 0)} ms)`;
  return {
    what: `cold import: \`node -e 'import("…")'\`, wall time (a bare \`node -e ""\`: ${fixed(empty, 0)} ms)`,
    label: "cold import",
    ours: shown(median(times.ours)),
    peer: shown(median(times.peer)),
    figure: `${fixed(ratio)}× faster`,
    advantage: ratio,
    goal: 1,
    goalText: "ahead of the peer (> 1×)",
    met: ratio > 1,
  };
}

/** A minified bundle of some code that imports packages by name; undefined when it fails. */
async function bundleSize(code: string, platform: "browser" | "node", external: string[] = []) {
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
    return { ok: true as const, bytes: bytes.length, gzip: gzipSync(bytes).length };
  } catch (error) {
    const errors = (error as { errors?: { text: string }[] }).errors ?? [];
    return { ok: false as const, first: errors[0]?.text ?? String(error), count: errors.length };
  }
}

async function bundleRow(): Promise<Row> {
  const ours = 'export { createClient, stat } from "qiniu-kit";';
  const peer =
    'import qiniu from "qiniu";\n' +
    "export function stat(accessKey, secretKey, bucket, key) {\n" +
    "  const mac = new qiniu.auth.digest.Mac(accessKey, secretKey);\n" +
    "  return new qiniu.rs.BucketManager(mac, new qiniu.conf.Config()).stat(bucket, key);\n" +
    "}\n";
  const statOnly = await bundleSize('export { stat } from "qiniu-kit";', "browser");
  const oursBrowser = await bundleSize(ours, "browser");
  const peerBrowser = await bundleSize(peer, "browser");

  // The peer needs Node's modules: when it cannot be bundled for browsers, both are bundled for
  // Node. urllib requires `proxy-agent`, an optional package that is not installed: left out.
  const platform = peerBrowser.ok ? "browser" : "node";
  const oursBundle = platform === "browser" ? oursBrowser : await bundleSize(ours, "node");
  const peerBundle = peerBrowser.ok ? peerBrowser : await bundleSize(peer, "node", ["proxy-agent"]);
  if (!oursBundle.ok || !peerBundle.ok || !oursBrowser.ok || !statOnly.ok) {
    throw new Error(`a bundle failed: ${JSON.stringify({ oursBundle, peerBundle })}`);
  }
  const kb = (bundle: { bytes: number; gzip: number }) =>
    `${fixed(bundle.bytes / 1024, 1)} KiB (${fixed(bundle.gzip / 1024, 1)} KiB gzipped)`;
  record(`bundle, qiniu-kit stat alone, browser: ${kb(statOnly)}`);
  record(`bundle, qiniu-kit createClient + stat, browser: ${kb(oursBrowser)}`);
  record(`bundle, qiniu-kit createClient + stat, ${platform}: ${kb(oursBundle)}`);
  record(`bundle, qiniu stat, ${platform}: ${kb(peerBundle)}`);
  if (!peerBrowser.ok) {
    record(`qiniu for the browser: ${peerBrowser.count} errors, first: ${peerBrowser.first}`);
  }
  const ratio = peerBundle.bytes / oursBundle.bytes;
  const note =
    platform === "node"
      ? `, for Node (the peer does not bundle for browsers: ${peerBrowser.ok ? "" : `“${peerBrowser.first}” and ${peerBrowser.count - 1} more errors`})`
      : ", for browsers";
  return {
    what:
      `bundle of a one-operation entry (stat), esbuild --minify${note}; ` +
      `qiniu-kit's for browsers: ${kb(oursBrowser)}, stat alone ${kb(statOnly)}`,
    label: "bundle of a stat entry",
    ours: kb(oursBundle),
    peer: kb(peerBundle),
    figure: `${fixed(ratio, 1)}× smaller`,
    advantage: ratio,
    goal: 1,
    goalText: "ahead of the peer (> 1×)",
    met: ratio > 1,
  };
}

// ---------------------------------------------------------------------------------------------
// The run.

async function setting(): Promise<{ date: string; machine: string; versions: string }> {
  const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as {
    version: string;
  };
  const peerPkg = JSON.parse(
    await readFile(join(root, "node_modules/qiniu/package.json"), "utf8"),
  ) as { version: string };
  const git = (args: string[]) =>
    spawnSync("git", args, { cwd: root, encoding: "utf8" }).stdout?.trim() ?? "";
  const commit = git(["rev-parse", "--short", "HEAD"]);
  const dirty = git(["status", "--porcelain", "--untracked-files=no"]) !== "";
  const cpus = os.cpus();
  return {
    date: `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    machine:
      `${cpus[0]?.model.trim() ?? "unknown CPU"}, ${cpus.length} cores (${os.arch()}), ` +
      `${fixed(os.totalmem() / 1024 ** 3, 0)} GiB RAM, ${os.type()} ${os.release()}; ` +
      `load average ${fixed(os.loadavg()[0]!, 1)} when the run began (a shared machine)`,
    versions:
      `Node ${process.versions.node}; qiniu-kit ${pkg.version} (commit ${commit}` +
      `${dirty ? " with local changes" : ""}, from dist/); qiniu ${peerPkg.version}; ` +
      `esbuild ${esbuildVersion}`,
  };
}

async function main(): Promise<void> {
  const where = await setting();
  await ensureBuilt();
  const dir = await mkdtemp(join(os.tmpdir(), "qiniu-kit-bench-"));
  let emulator: ChildProcess | undefined;
  try {
    const script = await compileMeasure(dir);
    const emulatorProcess = await startEmulatorProcess(join(dir, "emulator"));
    emulator = emulatorProcess.child;
    const target = emulatorProcess.target;
    const kit = (await import(pathToFileURL(join(root, "dist/index.js")).href)) as Kit;
    say(`emulator at ${target.url}; files in ${dir}`);
    const idle = await measure<{ peakRss: number }>(script, target, "idle");

    say("writing a 256 MiB file");
    const file256 = join(dir, "source-256m.bin");
    await generateFile(file256, 256 * MiB);
    say("etag");
    const etag = await etagRows(script, target, file256);
    say("uploads");
    const uploads = await uploadRows(script, target, kit, dir, file256, etag.hash);
    say("small operations");
    const small = await smallOpsRows(script, target);
    say("cold import");
    const coldImport = coldImportRow();
    say("bundles");
    const bundle = await bundleRow();

    const rows = [...etag.rows, ...uploads, ...small, coldImport, bundle];
    const minutes = (performance.now() - started) / 60_000;
    const method = [
      "Both libraries talk over HTTP to the same emulator (`qiniu-kit emulator`, from dist/), " +
        "which runs in a process of its own and keeps its objects in a temporary folder.",
      "Every measurement runs in a fresh `node` process (bench/measure.ts compiled to plain " +
        "JavaScript), which loads qiniu-kit from dist/ or `qiniu` from node_modules. Peak RSS " +
        "is the process's maxRSS, library loading included; a `node` process that does " +
        `nothing peaks at ${mib(idle.peakRss)}.`,
      "Each library runs with its defaults. qiniu-kit's `putFile` sends 4 MiB parts, 4 at a " +
        "time, and keeps a resume state; `putFileV2` (with `PutExtra.create()`: multipart v2, " +
        "4 MiB parts) sends one part after the other and keeps none.",
      `etag: ${ETAG_RUNS} runs of each way, in turns, after an untimed one; the file is read ` +
        "as a stream in each (qiniu-kit's etag as its `etag` command reads a file).",
      `Uploads: ${UPLOAD_RUNS} runs of each side at 256 MiB, in turns, and one at 1 GiB; the ` +
        "hash the service answers is checked against the file's etag.",
      `Small operations: ${OPS_RUNS} runs of each side, in turns, each of ${OPS} timed ` +
        `operations ${OPS_CONCURRENCY} at a time after 32 untimed ones. The peer's form ` +
        "uploads share one token signed beforehand; qiniu-kit's `put` signs its own.",
      `Cold import: ${IMPORT_RUNS} runs of each command in turns, after 3 untimed ones.`,
      "Ratios of times are medians of the ratios of runs made in turn; ratios of RSS and of " +
        "sizes are ratios of medians.",
      `The whole run took ${fixed(minutes, 1)} minutes.`,
    ];
    const info = { ...where, method, runs: log };
    await writeFile(join(root, "docs/benchmarks.md"), benchmarkPage(rows, info));
    await writeFile(
      join(root, "docs/benchmarks.svg"),
      benchmarkChart(
        rows,
        `${where.date}; Node ${process.versions.node}; ${os.cpus().length} cores`,
      ),
    );
    say("wrote docs/benchmarks.md and docs/benchmarks.svg");
    console.log(
      benchmarkPage(rows, info)
        .split("\n")
        .filter((line) => line.startsWith("|"))
        .join("\n"),
    );
  } finally {
    if (emulator !== undefined && emulator.exitCode === null) {
      emulator.kill("SIGTERM");
      await once(emulator, "exit");
    }
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
