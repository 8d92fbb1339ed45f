// The etag of a 1 GiB Web ReadableStream made on the fly: time, throughput and peak RSS growth.
// Exits with code 1 when the RSS grows by 64 MiB or more. For comparison it also measures, in a
// separate process, how much merely reading the same stream grows the RSS.
// Run: npx tsx bench/etag-memory.ts
import { spawnSync } from "node:child_process";
import { etagText as etag } from "../src/etag/etag.ts";

const MiB = 1024 * 1024;
const SIZE = 1024 * MiB;
const CHECKPOINT = 256 * MiB;
const LIMIT = 64 * MiB;

const baseline = process.memoryUsage.rss();
let peak = baseline;
let peakAtCheckpoint = 0;

function sample(): void {
  peak = Math.max(peak, process.memoryUsage.rss());
}

// Chunks of uneven sizes around 64 KiB, each a new buffer as a file or a socket would give, so
// that nothing of the input is kept. The RSS is also sampled here: a fast consumer may run for
// long stretches of microtasks during which timers do not fire.
function generatedStream(size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index % 8 === 0) sample();
      if (sent >= CHECKPOINT && peakAtCheckpoint === 0) peakAtCheckpoint = peak;
      if (sent >= size) {
        controller.close();
        return;
      }
      const length = Math.min(size - sent, 65536 + ((index * 7919) % 4099) - 2049);
      const chunk = new Uint8Array(length);
      chunk.fill(index & 0xff);
      chunk[0] = index >>> 8;
      controller.enqueue(chunk);
      sent += length;
      index++;
    },
  });
}

async function readOnly(): Promise<void> {
  const reader = generatedStream(SIZE).getReader();
  while (!(await reader.read()).done) {}
}

const sampler = setInterval(sample, 5);
const start = performance.now();
const hash = process.argv.includes("--read-only")
  ? await readOnly()
  : await etag(generatedStream(SIZE));
const elapsed = performance.now() - start;
clearInterval(sampler);
sample();
const growth = peak - baseline;

// In the child that only reads the stream, print the growth alone.
if (process.argv.includes("--read-only")) {
  console.log((growth / MiB).toFixed(1));
  process.exit(0);
}

const reading = spawnSync(
  process.execPath,
  [...process.execArgv, process.argv[1]!, "--read-only"],
  {
    encoding: "utf8",
  },
);
console.log(`etag of a ${SIZE / MiB} MiB stream: ${hash}`);
console.log(`elapsed: ${(elapsed / 1000).toFixed(2)} s`);
console.log(`throughput: ${((SIZE / MiB) * (1000 / elapsed)).toFixed(0)} MiB/s`);
console.log(
  `RSS: baseline ${(baseline / MiB).toFixed(1)} MiB, peak ${(peak / MiB).toFixed(1)} MiB`,
);
console.log(
  `peak RSS growth after 256 MiB: ${((peakAtCheckpoint - baseline) / MiB).toFixed(1)} MiB`,
);
console.log(
  `peak RSS growth after 1 GiB:   ${(growth / MiB).toFixed(1)} MiB (limit ${LIMIT / MiB} MiB)`,
);
console.log(
  `for comparison, reading the same stream without hashing: ${reading.stdout.trim()} MiB`,
);
if (growth >= LIMIT) {
  console.log("FAIL: the RSS grew by 64 MiB or more");
  process.exitCode = 1;
}
