import { execFile } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../src/emulator/index.ts";
import type { Emulator } from "../../src/emulator/types.ts";
import { codeBlocks } from "../docs/markdown.ts";
import {
  buildTimeoutMs,
  cliEnvironment,
  cliPath,
  emulatorEnv,
  ensureBuilt,
  root,
  runCli,
} from "./helpers.ts";

const blocks = codeBlocks(root, ["docs/cli.md"]);
/** The command lines of the guide, but those that start an emulator (one runs per test file). */
const commands = blocks
  .filter((block) => block.language === "sh")
  .flatMap((block) => block.code.split("\n"))
  .filter((line) => /\bqiniu-kit /.test(line) && !/\bqiniu-kit emulator\b/.test(line));

let emulator: Emulator;
let dir: string;

beforeAll(async () => {
  await ensureBuilt();
  emulator = await startEmulator({ buckets: ["photos"] });
  dir = await mkdtemp(join(tmpdir(), "qiniu-kit-cli-docs-"));
  await writeFile(join(dir, "cat.jpg"), new Uint8Array([0xff, 0xd8, 0xff, 0xe0]));

  // `qiniu-kit` on the PATH is the built command, as npm links it.
  await writeFile(
    join(dir, "qiniu-kit"),
    `#!/bin/sh\nexec "${process.execPath}" "${cliPath}" "$@"\n`,
  );
  await chmod(join(dir, "qiniu-kit"), 0o755);
}, buildTimeoutMs);

afterAll(async () => {
  await emulator?.stop();
  await rm(dir, { recursive: true, force: true });
});

function shell(line: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = cliEnvironment({ ...emulatorEnv(emulator), PATH: `${dir}:${process.env.PATH}` });
  return new Promise((resolve) => {
    execFile("sh", ["-c", line], { cwd: dir, env }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("the guide to the command line", () => {
  it("lists the commands that `qiniu-kit --help` lists", async () => {
    const listed = blocks
      .filter((block) => block.language === "text")
      .flatMap((block) => [...block.code.matchAll(/^qiniu-kit (\w+)/gm)].map((m) => m[1]));
    const help = await runCli(["--help"]);
    const commandsOfHelp = [...help.stdout.matchAll(/^ {2}([a-z]+) {2,}\S/gm)].map((m) => m[1]);
    expect(listed).toEqual(commandsOfHelp);
  });

  it("has examples that run, in order, against an emulator", async () => {
    expect(commands.length).toBeGreaterThanOrEqual(8);
    for (const line of commands) {
      const run = await shell(line);
      expect({ line, code: run.code, stderr: run.stderr }).toMatchObject({ line, code: 0 });
    }
  });

  it("documents the exit codes that `qiniu-kit --help` documents", async () => {
    const guide = await readFile(join(root, "docs/cli.md"), "utf8");
    const documented = [...guide.matchAll(/^\| (\d+) +\|/gm)].map((m) => m[1]);
    const help = await runCli(["--help"]);
    const listed = [...help.stdout.matchAll(/^ {2}(\d+) {2,}\S/gm)].map((m) => m[1]);
    expect(documented).toEqual(listed);
  });
});
