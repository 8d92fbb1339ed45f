import { beforeAll, describe, expect, it } from "vitest";
import { buildTimeoutMs, ensureBuilt, runCli, startCli } from "./helpers.ts";

beforeAll(ensureBuilt, buildTimeoutMs);

describe("qiniu-kit emulator", () => {
  it("serves the other commands until it receives SIGTERM", async () => {
    const emulator = startCli([
      "emulator",
      "--port",
      "0",
      "--quiet",
      "--bucket",
      "photos",
      "--access-key",
      "ak",
      "--secret-key",
      "sk",
    ]);
    try {
      const url = await until(() => /listening on (http:\S+)/.exec(emulator.output().stdout)?.[1]);
      const env = {
        QINIU_ACCESS_KEY: "ak",
        QINIU_SECRET_KEY: "sk",
        QINIU_BUCKET: "photos",
        QINIU_UC_HOST: url,
      };
      const uploaded = await runCli(["put", "-", "hello.txt", "--json"], { env, input: "hello" });
      expect(uploaded).toMatchObject({ code: 0 });
      const listed = await runCli(["ls"], { env });
      expect(listed.stdout).toBe("hello.txt\n");
    } finally {
      emulator.child.kill("SIGTERM");
    }
    const stopped = await emulator.done;
    expect(stopped).toMatchObject({ code: 0 });
    expect(stopped.stdout).toContain("Stopped.");
  });

  it("exits with 2 for a usage error", async () => {
    const run = await runCli(["emulator", "--port", "70000"]);
    expect(run).toMatchObject({ code: 2 });
    expect(run.stderr).toContain("--port must be a number from 0 to 65535");
    expect((await runCli(["emulator", "--json"])).code).toBe(2);
  });

  it("shows its help with --help", async () => {
    const run = await runCli(["emulator", "--help"]);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/^Usage: qiniu-kit emulator/);
  });
});

async function until<T>(value: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = value();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error("timed out waiting for the emulator");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
