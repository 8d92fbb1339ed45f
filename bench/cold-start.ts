/**
 * Cold start: how much longer a Node process that imports `qiniu-kit` takes than an empty one.
 * Both commands run in turn, many times, so that a slow moment of the machine hits both alike;
 * each import run is compared with the empty run made just before it, and the median of those
 * ratios is the verdict. Exits with 1 when the import costs more than the limit.
 *
 *   npx tsx bench/cold-start.ts [--runs 40] [--limit 0.15]
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Reads `--name value` from the command line. */
function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index < 0 ? undefined : Number(process.argv[index + 1]);
  return value !== undefined && Number.isFinite(value) ? value : fallback;
}

/** Runs `node -e <code>` once, in the package's directory, and gives its wall time in ms. */
function time(code: string): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["-e", code], { cwd: root, stdio: "inherit" });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0)
    throw new Error(`node -e ${JSON.stringify(code)} exited with ${run.status}`);
  return elapsed;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const runs = option("runs", 40);
const limit = option("limit", 0.15);
if (!existsSync(resolve(root, "dist/index.js"))) {
  console.error("dist/index.js is missing: run `npm run build` first");
  process.exit(2);
}

// A few runs of each to warm the file cache, then the measured runs, in turn. The package is
// imported by its name, exports map and all, as an application imports it.
const importing = `import("qiniu-kit")`;
for (let i = 0; i < 3; i++) {
  time("");
  time(importing);
}
const empty: number[] = [];
const withImport: number[] = [];
for (let i = 0; i < runs; i++) {
  empty.push(time(""));
  withImport.push(time(importing));
}

const base = median(empty);
const loaded = median(withImport);
const ratio = median(withImport.map((ms, i) => ms / empty[i]!)) - 1;
console.log(`node ${process.versions.node}, ${runs} runs of each (medians)`);
console.log(`  node -e ""                      ${base.toFixed(1)} ms`);
console.log(`  node -e "import('qiniu-kit')"   ${loaded.toFixed(1)} ms`);
console.log(
  `  import cost: ${(loaded - base).toFixed(1)} ms; median ratio +${(ratio * 100).toFixed(1)} % ` +
    `(limit ${limit * 100} %)`,
);
process.exit(ratio <= limit ? 0 : 1);
