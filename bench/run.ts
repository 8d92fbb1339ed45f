/**
 * `npm run bench`: qiniu-kit against the official `qiniu` package, in one run, against the same
 * local emulator; writes docs/benchmarks.md (a table, each goal beside its figure) and
 * docs/benchmarks.svg (a bar per row).
 *
 * The emulator runs in a process of its own, with its data in a temporary folder; every
 * measurement runs in a fresh `node` process (bench/measure.ts, compiled to plain JavaScript),
 * so that the peak RSS of an upload is the uploader's. qiniu-kit is measured as users run it,
 * from `dist/` (built first when missing or older than `src/`). Each figure is a median of
 * several runs and is given as a ratio to the peer, the runs of both sides taking turns, since
 * absolute times drift on a shared machine. A few minutes on 2 cores.
 *
 *   npm run bench
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { version as esbuildVersion } from "esbuild";
import { elapsedSeconds, fixed, MiB, mib, recorded, say } from "./figures.ts";
import {
  type Bench,
  ensureBuilt,
  generateFile,
  measure,
  root,
  startBench,
  stopBench,
} from "./processes.ts";
import { benchmarkChart, benchmarkPage, type Row, type Setting } from "./report.ts";
import { bundleRow, coldImportRow, etagRows, method, smallOpsRows, uploadRows } from "./rows.ts";

type Kit = typeof import("../src/index.ts");

/** The date, the machine and the versions, as the page states them. */
async function where(): Promise<Pick<Setting, "date" | "machine" | "versions">> {
  const version = async (path: string) =>
    (JSON.parse(await readFile(join(root, path), "utf8")) as { version: string }).version;
  const git = (args: string[]) =>
    spawnSync("git", args, { cwd: root, encoding: "utf8" }).stdout?.trim() ?? "";
  const commit = git(["rev-parse", "--short", "HEAD"]);
  const changed = git(["status", "--porcelain", "--untracked-files=no"]) !== "";
  const cpus = os.cpus();
  return {
    date: `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    machine:
      `${cpus[0]?.model.trim() ?? "unknown CPU"}, ${cpus.length} cores (${os.arch()}), ` +
      `${fixed(os.totalmem() / 1024 ** 3, 0)} GiB RAM, ${os.type()} ${os.release()}; ` +
      `load average ${fixed(os.loadavg()[0]!, 1)} when the run began (a shared machine)`,
    versions:
      `Node ${process.versions.node}; qiniu-kit ${await version("package.json")} ` +
      `(commit ${commit}${changed ? " with local changes" : ""}, from dist/); ` +
      `qiniu ${await version("node_modules/qiniu/package.json")}; esbuild ${esbuildVersion}`,
  };
}

/** Every measurement, in order; the rows of the table. */
async function measureAll(bench: Bench, dir: string): Promise<{ rows: Row[]; idle: number }> {
  const kit = (await import(pathToFileURL(join(root, "dist/index.js")).href)) as Kit;
  const idle = (await measure<{ peakRss: number }>(bench, "idle")).peakRss;

  say("writing a 256 MiB file");
  const file256 = join(dir, "source-256m.bin");
  await generateFile(file256, 256 * MiB);
  say("etag");
  const etag = await etagRows(bench, file256);
  say("uploads");
  const uploads = await uploadRows(bench, kit, dir, file256, etag.hash, idle);
  say("small operations");
  const small = await smallOpsRows(bench);
  say("cold import");
  const coldImport = coldImportRow();
  say("bundles");
  const bundle = await bundleRow();
  return { rows: [...etag.rows, ...uploads, ...small, coldImport, bundle], idle };
}

function describeMethod(idle: number): string[] {
  return [
    "Both libraries talk over HTTP to the same emulator (`qiniu-kit emulator`, from dist/), " +
      "which runs in a process of its own and keeps its objects in a temporary folder.",
    "Every measurement runs in a fresh `node` process (bench/measure.ts compiled to plain " +
      "JavaScript), which loads qiniu-kit from dist/ or `qiniu` from node_modules. Peak RSS " +
      "is the kernel's high-water mark of the process (VmHWM), library loading included; a " +
      `\`node\` process that does nothing peaks at ${mib(idle)}. CPU is the process's own ` +
      "(user and system); the emulator's is read from /proc.",
    "Each library runs with its defaults. qiniu-kit's `putFile` sends 4 MiB parts, 4 at a " +
      "time, and keeps a resume state; `putFileV2` with `PutExtra.create()` (multipart v2, " +
      "4 MiB parts) sends one part after the other and keeps none.",
    `etag: ${method.etag} runs of each way in turns, after an untimed one; qiniu-kit's ` +
      "`etagFile` and the plain qetag read the file 4 MiB at a time, the one-thread SHA-1 as " +
      "a stream.",
    `Uploads: ${method.uploads} runs of each side at 256 MiB, in turns, then ` +
      `${method.latencyRuns} more with ${method.latencyMs} ms of latency, then one of each at ` +
      "1 GiB; every upload must answer the file's etag.",
    `Small operations: ${method.opsRuns} runs of each side in turns, each of ${method.ops} ` +
      `timed operations ${method.opsConcurrency} at a time after 32 untimed ones. The ` +
      "peer's form uploads share one token signed beforehand; qiniu-kit's `put` signs its own.",
    `Cold import: ${method.importRuns} runs of each command in turns, after 3 untimed ones.`,
    "Ratios of times and rates are medians of the ratios of runs made in turn; ratios of RSS " +
      "and of sizes are ratios of medians.",
  ];
}

async function main(): Promise<void> {
  const setting = await where();
  await ensureBuilt();
  const dir = await mkdtemp(join(os.tmpdir(), "qiniu-kit-bench-"));
  let bench: Bench | undefined;
  try {
    bench = await startBench(dir);
    say(`emulator at ${bench.target.url}; files in ${dir}`);
    const { rows, idle } = await measureAll(bench, dir);

    const minutes = `The whole run took ${fixed(elapsedSeconds() / 60, 1)} minutes.`;
    const page = { ...setting, method: [...describeMethod(idle), minutes], runs: recorded() };
    const caption = `${setting.date}; Node ${process.versions.node}; ${os.cpus().length} cores`;
    await writeFile(join(root, "docs/benchmarks.md"), benchmarkPage(rows, page));
    await writeFile(join(root, "docs/benchmarks.svg"), benchmarkChart(rows, caption));
    say("wrote docs/benchmarks.md and docs/benchmarks.svg");
    const table = benchmarkPage(rows, page)
      .split("\n")
      .filter((line) => line.startsWith("|"));
    console.log(table.join("\n"));
  } finally {
    if (bench !== undefined) await stopBench(bench);
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
