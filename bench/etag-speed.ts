// The etag of a 256 MiB buffer against one-thread SHA-1 of the same bytes with node:crypto,
// median of 3 runs, with the default concurrency (2 blocks at a time) and with 4.
// Run: npx tsx bench/etag-speed.ts
import { createHash, randomFillSync } from "node:crypto";
import { etagText as etag } from "../src/etag/etag.ts";

const MiB = 1024 * 1024;
const SIZE = 256 * MiB;
const RUNS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function time(run: () => unknown): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

// One-thread SHA-1 fed in 64 KiB pieces, as a stream would feed it.
function sha1Streaming(bytes: Uint8Array): string {
  const hash = createHash("sha1");
  for (let offset = 0; offset < bytes.length; offset += 65536) {
    hash.update(bytes.subarray(offset, offset + 65536));
  }
  return hash.digest("hex");
}

function line(name: string, ms: number): string {
  const throughput = (SIZE / MiB) * (1000 / ms);
  return `${name.padEnd(22)} ${ms.toFixed(0).padStart(5)} ms  ${throughput.toFixed(0)} MiB/s`;
}

const bytes = new Uint8Array(SIZE);
for (let offset = 0; offset < SIZE; offset += 65536) randomFillSync(bytes, offset, 65536);

// Warm every path up once, then alternate them so that noise from other processes hits all.
const warm = bytes.subarray(0, 16 * MiB);
await etag(warm);
await etag(warm, { concurrency: 4 });
sha1Streaming(warm);
const times = { etag: [] as number[], etag4: [] as number[], sha1: [] as number[] };
for (let run = 0; run < RUNS; run++) {
  times.etag.push(await time(() => etag(bytes)));
  times.etag4.push(await time(() => etag(bytes, { concurrency: 4 })));
  times.sha1.push(await time(() => sha1Streaming(bytes)));
}

const etagMs = median(times.etag);
const etag4Ms = median(times.etag4);
const sha1Ms = median(times.sha1);
console.log(`input: ${SIZE / MiB} MiB in memory, median of ${RUNS} runs`);
console.log(line("etag (default: 2)", etagMs));
console.log(line("etag (concurrency 4)", etag4Ms));
console.log(line("sha1 (node, 1 thread)", sha1Ms));
console.log(
  `ratio sha1 time / etag time: ${(sha1Ms / etagMs).toFixed(2)}` +
    ` (concurrency 4: ${(sha1Ms / etag4Ms).toFixed(2)})`,
);
