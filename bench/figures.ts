/** Small helpers of the benchmark: medians, ratios, formatting, and the log of every run. */

export const MiB = 1024 * 1024;

/** Which library a run measures: qiniu-kit or the official `qiniu` package. */
export type Side = "ours" | "peer";

const started = performance.now();
const lines: string[] = [];

/** Seconds since the benchmark began. */
export function elapsedSeconds(): number {
  return (performance.now() - started) / 1000;
}

/** Shows what the benchmark is doing. */
export function say(line: string): void {
  console.log(`[${elapsedSeconds().toFixed(0).padStart(4)} s] ${line}`);
}

/** Keeps a line for the page's list of every run, and shows it. */
export function record(line: string): void {
  lines.push(line);
  say(line);
}

/** The lines kept by {@link record}. */
export function recorded(): string[] {
  return [...lines];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The median of the ratios of runs made in turn: `top[i] / bottom[i]`. */
export function pairedRatio(top: readonly number[], bottom: readonly number[]): number {
  return median(top.map((value, i) => value / bottom[i]!));
}

/** Both sides, the order swapped from one run to the next so that neither always goes first. */
export function turns(run: number): Side[] {
  return run % 2 === 0 ? ["ours", "peer"] : ["peer", "ours"];
}

export function fixed(value: number, digits = 2): string {
  return value.toFixed(digits);
}

export function list(values: readonly number[], digits = 0): string {
  return values.map((value) => value.toFixed(digits)).join(", ");
}

export function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(0)} MiB`;
}
