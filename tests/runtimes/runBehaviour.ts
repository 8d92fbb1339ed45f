import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../../src/emulator/index.ts";

const here = dirname(fileURLToPath(import.meta.url));

/** The root of the package: the behaviour suite imports it by name from there. */
export const packageRoot = resolve(here, "../..");

/** The behaviour suite, plain JavaScript that every runtime runs. */
export const behaviourSuite = resolve(here, "behaviour.mjs");

/** A binary installed by a dev dependency. */
export function binary(name: string): string {
  return resolve(packageRoot, "node_modules/.bin", name);
}

/** How many checks the behaviour suite makes; a run that makes fewer did not finish. */
export const behaviourChecks = 10;

/** What a child process did. */
export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end and gives its exit code and output. */
export function run(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<ChildRun> {
  return new Promise((done, reject) => {
    const child = spawn(command, args, {
      cwd: packageRoot,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/**
 * Starts an emulator with one bucket, runs the behaviour suite with `command` and `args`
 * (the suite's path is appended), and stops the emulator.
 */
export async function runBehaviour(command: string, args: readonly string[]): Promise<ChildRun> {
  if (!existsSync(resolve(packageRoot, "dist/index.js"))) {
    throw new Error("dist/ is missing: run `npm run build` before these tests");
  }
  const emulator = await startEmulator({ buckets: ["runtimes"] });
  try {
    return await run(command, [...args, behaviourSuite], {
      QINIU_KIT_URL: emulator.url,
      QINIU_KIT_ACCESS_KEY: emulator.accessKey,
      QINIU_KIT_SECRET_KEY: emulator.secretKey,
      QINIU_KIT_BUCKET: "runtimes",
    });
  } finally {
    await emulator.stop();
  }
}

/** The summary line the suite ends with, read back as numbers. */
export function summary(output: string): { passed: number; failed: number } | undefined {
  const match = /^(\d+) passed, (\d+) failed$/m.exec(output);
  return match === null ? undefined : { passed: Number(match[1]), failed: Number(match[2]) };
}
