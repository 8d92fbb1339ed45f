/**
 * The processes of the benchmark: the build, the emulator in a process of its own, and each
 * measurement in a fresh `node` process running bench/measure.ts compiled to plain JavaScript.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import { randomBytes, randomFillSync } from "node:crypto";
import { once } from "node:events";
import { open, readdir, readFile, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { MiB, say } from "./figures.ts";
import type { Target } from "./measure.ts";

/** The package's directory. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const execFileAsync = promisify(execFile);

/** The emulator and the compiled measuring script. */
export interface Bench {
  script: string;
  target: Target;
  emulator: ChildProcess;
}

/** Builds `dist/` when it is missing or older than a file of `src/`. */
export async function ensureBuilt(): Promise<void> {
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

/** The environment of the processes measured: NODE_OPTIONS left out, so no loader rides along. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  return env;
}

/**
 * Compiles bench/measure.ts to plain JavaScript in `dir` and starts `qiniu-kit emulator` (from
 * dist/) in a process of its own, with its data on disk in `dir`.
 *
 * @param dir - A temporary folder.
 * @returns The emulator and the script, ready to measure.
 */
export async function startBench(dir: string): Promise<Bench> {
  const script = join(dir, "measure.mjs");
  await build({
    entryPoints: [join(root, "bench/measure.ts")],
    outfile: script,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
  });

  const bucket = "bench";
  const accessKey = randomBytes(15).toString("base64url");
  const secretKey = randomBytes(30).toString("base64url");
  const emulator = spawn(
    process.execPath,
    [
      join(root, "dist/cli/main.js"),
      "emulator",
      ...["--port", "0", "--data-dir", join(dir, "emulator"), "--bucket", bucket],
      ...["--access-key", accessKey, "--secret-key", secretKey, "--quiet"],
    ],
    { stdio: ["ignore", "pipe", "inherit"], env: childEnv() },
  );
  const lines = createInterface({ input: emulator.stdout! });
  const url = await new Promise<string>((resolveUrl, reject) => {
    lines.on("line", (line) => {
      const found = /listening on (http:\/\/\S+)/.exec(line);
      if (found !== null) resolveUrl(found[1]!);
    });
    emulator.once("exit", (code) => reject(new Error(`the emulator ended with code ${code}`)));
  });
  return { script, emulator, target: { root, url, accessKey, secretKey, bucket } };
}

/** Stops the emulator. */
export async function stopBench(bench: Bench): Promise<void> {
  if (bench.emulator.exitCode !== null) return;
  bench.emulator.kill("SIGTERM");
  await once(bench.emulator, "exit");
}

/**
 * Runs bench/measure.ts in a fresh process.
 *
 * @param bench - The emulator and the script.
 * @param role - What to measure, and its arguments.
 * @returns What the process printed, parsed.
 */
export async function measure<T>(
  bench: Bench,
  role: string,
  ...args: (string | number)[]
): Promise<T> {
  try {
    const { stdout } = await execFileAsync(
      process.execPath,
      [bench.script, role, ...args.map(String)],
      { env: childEnv({ BENCH_TARGET: JSON.stringify(bench.target) }), maxBuffer: 16 * MiB },
    );
    return JSON.parse(stdout.trim().split("\n").at(-1)!) as T;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`measure ${role} ${args.join(" ")} failed:\n${stderr}`, { cause: error });
  }
}

/**
 * The CPU time a process has used so far, user and system, from /proc (Linux).
 *
 * @param pid - The process.
 * @returns Seconds, or undefined where there is no /proc.
 */
export async function cpuSeconds(pid: number | undefined): Promise<number | undefined> {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
    // utime and stime, in clock ticks of 1/100 s (USER_HZ on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Writes a file of a given size, 4 MiB at a time: random bytes, each block made different. */
export async function generateFile(path: string, size: number): Promise<void> {
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
