import { type ChildProcess, spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { manage } from "./helpers.ts";

/** Runs the command line from source, as `qiniu-kit <args>`. */
function cli(args: string[]): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Collects a child's output and resolves with its exit code once it ends. */
function finished(child: ChildProcess): { output: () => string; exit: Promise<number | null> } {
  let output = "";
  child.stdout!.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr!.on("data", (chunk) => {
    output += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { output: () => output, exit };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error("timed out waiting for the command");
}

describe("qiniu-kit emulator", () => {
  it("prints its url and keys, logs each request, and stops on Ctrl-C", async () => {
    const child = cli([
      "emulator",
      "--port",
      "0",
      "--bucket",
      "cli-bkt",
      "--access-key",
      "cli-ak",
      "--secret-key",
      "cli-sk",
    ]);
    const run = finished(child);
    await until(() => run.output().includes("Press Ctrl-C"));

    const url = /listening on (http:\/\/[\d.:]+)/.exec(run.output())![1]!;
    expect(run.output()).toContain("access key  cli-ak");
    expect(run.output()).toContain("secret key  cli-sk");
    const emulator = { url, accessKey: "cli-ak", secretKey: "cli-sk" };
    const buckets = await manage(emulator, "/buckets", { method: "GET" });
    expect(buckets.json).toEqual(["cli-bkt"]);
    await until(() => run.output().includes("GET /buckets 200"));
    expect(run.output()).toMatch(/GET \/buckets 200 in:0 out:11 \d+ms/);

    child.kill("SIGINT");
    expect(await run.exit).toBe(0);
    expect(run.output()).toContain("Stopped.");
    await expect(fetch(`${url}/buckets`)).rejects.toThrow();
  });

  it("prints the usage for --help and refuses unknown commands and options", async () => {
    const help = finished(cli(["--help"]));
    expect(await help.exit).toBe(0);
    expect(help.output()).toContain("emulator");

    const unknown = finished(cli(["frobnicate"]));
    expect(await unknown.exit).toBe(2);
    expect(unknown.output()).toContain('unknown command "frobnicate"');

    const badOption = finished(cli(["emulator", "--colour"]));
    expect(await badOption.exit).toBe(2);
    const badPort = finished(cli(["emulator", "--port", "http"]));
    expect(await badPort.exit).toBe(2);
  });
});
