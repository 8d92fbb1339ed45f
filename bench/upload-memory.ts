// Peak RSS of uploads of 256 MiB and of 1 GiB: putFile of a generated file, and put of a
// generated Web stream of unknown length, each measured in a fresh process that runs nothing but
// the upload (and, for comparison, a process that merely reads the 1 GiB stream). The emulator
// runs in a process of its own and keeps its data in a temporary folder, deleted at the end.
// Each is measured in 3 processes (`--trials=N` for another number) and the medians compared,
// since V8 sizes its young generation as a process goes: exits with code 1 when, for either
// kind, the median peaks of the two sizes differ by 16 MiB or more, as memory must not grow with
// the size of the object.
// Run: npx tsx bench/upload-memory.ts
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createClient } from "../src/client.ts";
import { startEmulator } from "../src/emulator/index.ts";
import { put } from "../src/upload/put.ts";
import { putFile } from "../src/upload/putFile.ts";

const MiB = 1024 * 1024;
const SIZES = [256 * MiB, 1024 * MiB];
const LIMIT = 16 * MiB;
const script = process.argv[1]!;
const role = process.argv[2];

/** Where the uploader sends to. */
interface Target {
  url: string;
  accessKey: string;
  secretKey: string;
}

/** What one measured upload reports. */
interface Measure {
  kind: string;
  size: number;
  /** RSS before the upload. */
  baseline: number;
  /** The highest RSS of the process's life, from the kernel. */
  peak: number;
  seconds: number;
  hash: string;
}

if (role === "--emulator") await serveEmulator(process.argv[3]!);
else if (role === "--measure") await measure(process.argv[3]!, Number(process.argv[4]));
else await main();

// The emulator's process: prints where it listens, then serves until its stdin closes.
async function serveEmulator(dataDir: string): Promise<void> {
  const emulator = await startEmulator({ dataDir, buckets: ["bench"] });
  const target: Target = {
    url: emulator.url,
    accessKey: emulator.accessKey,
    secretKey: emulator.secretKey,
  };
  console.log(JSON.stringify(target));
  process.stdin.resume();
  await once(process.stdin, "end");
  await emulator.stop();
}

// The uploader's process: one upload, then its numbers as one line of JSON.
async function measure(kind: string, size: number): Promise<void> {
  const target = JSON.parse(process.env.BENCH_TARGET ?? "{}") as Target;
  const client = createClient({
    accessKey: target.accessKey,
    secretKey: target.secretKey,
    bucket: "bench",
    ucHost: target.url,
    timeoutMs: 120_000,
  });
  const baseline = process.memoryUsage.rss();
  const start = performance.now();
  const key = `${kind}-${size}`;
  let hash = "";
  if (kind === "read") {
    // No upload: what merely reading the generated stream costs, for comparison.
    const reader = generatedStream(size).getReader();
    while (!(await reader.read()).done) {}
  } else {
    const result =
      kind === "putFile"
        ? await putFile(client, key, process.env.BENCH_FILE!, { resume: false })
        : await put(client, key, generatedStream(size));
    if (!result.ok) throw result.error;
    if (result.data.fsize !== size) throw new Error(`uploaded ${result.data.fsize} bytes`);
    hash = result.data.hash;
  }
  const numbers: Measure = {
    kind,
    size,
    baseline,
    peak: process.resourceUsage().maxRSS * 1024,
    seconds: (performance.now() - start) / 1000,
    hash,
  };
  console.log(JSON.stringify(numbers));
}

/** Bytes of a given size made as they are read, in new 64 KiB chunks as a socket would give. */
function generatedStream(size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      const chunk = new Uint8Array(Math.min(64 * 1024, size - sent));
      chunk.fill(index & 0xff);
      chunk[0] = index >>> 8;
      controller.enqueue(chunk);
      sent += chunk.length;
      index += 1;
    },
  });
}

/** Writes a file of a given size, 4 MiB at a time, each block different. */
async function generateFile(path: string, size: number): Promise<void> {
  const file = await open(path, "w");
  try {
    const block = new Uint8Array(4 * MiB);
    for (let at = 0, index = 0; at < size; at += block.length, index += 1) {
      block.fill(index & 0xff);
      new DataView(block.buffer).setUint32(0, index);
      await file.write(block, 0, Math.min(block.length, size - at));
    }
  } finally {
    await file.close();
  }
}

/** Starts a process of this script in a role, and gives its first line of output. */
async function start(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, [...process.execArgv, script, ...args], {
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([
    once(lines, "line"),
    once(child, "exit").then(([code]) => {
      throw new Error(`${args.join(" ")} ended with code ${code}`);
    }),
  ])) as [string];
  return { child, line };
}

async function main(): Promise<void> {
  const trials = Number(/^--trials=(\d+)$/.exec(process.argv[2] ?? "")?.[1] ?? 3);
  const dir = await mkdtemp(join(tmpdir(), "qiniu-kit-bench-"));
  const emulator = await start(["--emulator", join(dir, "emulator")]);
  const target = emulator.line;
  const results: Measure[] = [];
  try {
    for (const size of SIZES) await generateFile(join(dir, `source-${size}.bin`), size);

    // Each measure in a process of its own; the sizes take turns, so that the load of the
    // machine weighs on both alike.
    for (let trial = 1; trial <= trials; trial++) {
      for (const kind of ["putFile", "put"]) {
        for (const size of SIZES) {
          const run = await start(["--measure", kind, String(size)], {
            BENCH_TARGET: target,
            BENCH_FILE: join(dir, `source-${size}.bin`),
          });
          await once(run.child, "exit");
          const numbers = JSON.parse(run.line) as Measure;
          results.push(numbers);
          console.log(
            `${kind.padEnd(7)} ${String(size / MiB).padStart(5)} MiB: ` +
              `peak RSS ${(numbers.peak / MiB).toFixed(1)} MiB ` +
              `(${(numbers.baseline / MiB).toFixed(1)} MiB before the upload), ` +
              `${numbers.seconds.toFixed(1)} s, ${(size / MiB / numbers.seconds).toFixed(0)} MiB/s`,
          );
        }
      }
    }

    // For comparison, a process that only reads the largest stream.
    const reading = await start(["--measure", "read", String(SIZES.at(-1))], {
      BENCH_TARGET: target,
    });
    await once(reading.child, "exit");
    const read = JSON.parse(reading.line) as Measure;
    console.log(
      `for comparison, merely reading the ${read.size / MiB} MiB generated stream: ` +
        `peak RSS ${(read.peak / MiB).toFixed(1)} MiB`,
    );
  } finally {
    emulator.child.stdin?.end();
    await once(emulator.child, "exit");
    await rm(dir, { recursive: true, force: true });
  }

  // The median peaks of the two sizes, kind by kind.
  let missed = false;
  for (const kind of ["putFile", "put"]) {
    const [small, large] = SIZES.map((size) =>
      median(results.filter((numbers) => numbers.kind === kind && numbers.size === size)),
    );
    const difference = large! - small!;
    const verdict = Math.abs(difference) < LIMIT ? "ok" : "MISSED";
    if (verdict !== "ok") missed = true;
    console.log(
      `${kind}: median peak RSS ${(small! / MiB).toFixed(1)} MiB at 256 MiB, ` +
        `${(large! / MiB).toFixed(1)} MiB at 1 GiB: a difference of ` +
        `${(difference / MiB).toFixed(1)} MiB (limit ±${LIMIT / MiB} MiB): ${verdict}`,
    );
  }
  if (missed) {
    console.log("FAIL: memory grows with the size of the upload");
    process.exitCode = 1;
  }
}

/** The median peak of some measures. */
function median(measures: Measure[]): number {
  const peaks = measures.map((numbers) => numbers.peak).sort((a, b) => a - b);
  const middle = Math.floor(peaks.length / 2);
  return peaks.length % 2 === 1 ? peaks[middle]! : (peaks[middle - 1]! + peaks[middle]!) / 2;
}
