import { beforeAll, describe, expect, it } from "vitest";
import { buildTimeoutMs, ensureBuilt, runCli } from "./helpers.ts";

const commands = ["put", "stat", "ls", "rm", "url", "etag", "emulator", "demo"];

beforeAll(ensureBuilt, buildTimeoutMs);

describe("qiniu-kit", () => {
  it("lists every command, the credentials and the exit codes with --help", async () => {
    const run = await runCli(["--help"]);
    expect(run).toMatchObject({ code: 0 });
    for (const command of commands)
      expect(run.stdout).toMatch(new RegExp(`^  ${command} +\\w`, "m"));
    for (const variable of [
      "QINIU_ACCESS_KEY",
      "QINIU_SECRET_KEY",
      "QINIU_BUCKET",
      "QINIU_UC_HOST",
    ]) {
      expect(run.stdout).toContain(variable);
    }
    expect(run.stdout).toMatch(/^ {2}3 +not found/m);
    expect((await runCli([])).stdout).toBe(run.stdout);
  });

  it("exits with 2 for an unknown command", async () => {
    const run = await runCli(["upload", "cat.jpg"]);
    expect(run).toMatchObject({ code: 2 });
    expect(run.stderr).toContain('unknown command "upload"');
  });

  it("gives every command a --help that exits with 0", async () => {
    const runs = await Promise.all(commands.map((command) => runCli([command, "--help"])));
    runs.forEach((run, i) => {
      expect(run).toMatchObject({ code: 0 });
      expect(run.stdout.startsWith(`Usage: qiniu-kit ${commands[i]}`)).toBe(true);
    });
  });
});
