import { execFile, spawn } from "node:child_process";
import { mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Emulator } from "../../src/emulator/types.ts";

/** The package's root. */
export const root = fileURLToPath(new URL("../..", import.meta.url));

/** The built command, as npm links it for `qiniu-kit`. */
export const cliPath = join(root, "dist/cli/main.js");

/** How long a build may take, for the hooks that wait for one. */
export const buildTimeoutMs = 180_000;

async function mtime(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

async function newestIn(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const time = entry.isDirectory() ? await newestIn(path) : ((await mtime(path)) ?? 0);
    newest = Math.max(newest, time);
  }
  return newest;
}

async function isStale(): Promise<boolean> {
  const built = await mtime(cliPath);
  if (built === undefined) return true;
  const sources = Math.max(
    await newestIn(join(root, "src")),
    (await mtime(join(root, "tsup.config.ts"))) ?? 0,
  );
  return built < sources;
}

/**
 * Makes sure `dist/` holds a build of the current sources. Under `npm test`, which builds first,
 * it only checks that the build is there; run alone, it builds when `dist/` is missing or older
 * than `src/`, one test file at a time.
 */
export async function ensureBuilt(): Promise<void> {
  if (process.env.npm_lifecycle_event === "test") {
    if ((await mtime(cliPath)) === undefined) throw new Error(`${cliPath} is missing`);
    return;
  }

  // Once per run of the test runner (whose workers share a parent): a build in the middle of
  // the run would pull dist/ from under the files already running.
  const scratch = join(root, "tests/.tmp");
  const marker = join(scratch, `cli-built-for-${process.ppid}`);
  if ((await mtime(marker)) !== undefined) return;
  if (!(await isStale())) {
    await markBuilt(scratch, marker);
    return;
  }

  // Test files run in parallel: the first one builds, the others wait for it.
  const lock = join(scratch, "build.lock");
  await mkdir(scratch, { recursive: true });
  const deadline = Date.now() + buildTimeoutMs;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      const since = Date.now() - ((await mtime(lock)) ?? Date.now());
      if (since > buildTimeoutMs) await rm(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error("timed out waiting for another build");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    if ((await mtime(marker)) === undefined && (await isStale())) {
      await promisify(execFile)("npx", ["tsup"], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    }
    await markBuilt(scratch, marker);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** Records that this run has its build, forgetting the records of earlier runs. */
async function markBuilt(scratch: string, marker: string): Promise<void> {
  await mkdir(scratch, { recursive: true });
  for (const name of await readdir(scratch)) {
    if (name.startsWith("cli-built-for-")) await rm(join(scratch, name), { force: true });
  }
  await writeFile(marker, "");
}

/** What a run of the command gave. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** How to run the command. */
export interface CliOptions {
  /** Variables added to an environment without any `QINIU_*` one. */
  env?: Record<string, string>;
  /** What standard input gives; empty when absent. */
  input?: string | Uint8Array;
  cwd?: string;
}

/** The environment of a run: the test's, without `QINIU_*`, plus `extra`. */
export function cliEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("QINIU_")),
  );
  return { ...env, ...extra };
}

/** Starts the built command; the caller waits for it, sends signals, reads its output. */
export function startCli(args: readonly string[], options: CliOptions = {}) {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? root,
    env: cliEnvironment(options.env),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  child.stdin.end(options.input ?? "");
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, output: () => ({ stdout, stderr }) };
}

/** Runs the built command to its end. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return startCli(args, options).done;
}

/** The variables that point the command at a bucket of an emulator. */
export function emulatorEnv(emulator: Emulator, bucket = "photos"): Record<string, string> {
  return {
    QINIU_ACCESS_KEY: emulator.accessKey,
    QINIU_SECRET_KEY: emulator.secretKey,
    QINIU_BUCKET: bucket,
    QINIU_UC_HOST: emulator.url,
  };
}

/** Parses the one JSON document a `--json` run printed. */
export function parseJson(run: CliRun): Record<string, unknown> {
  return JSON.parse(run.stdout) as Record<string, unknown>;
}
