import { beforeAll, describe, expect, it } from "vitest";
import { buildTimeoutMs, ensureBuilt, runCli } from "./helpers.ts";

beforeAll(ensureBuilt, buildTimeoutMs);

describe("qiniu-kit demo", () => {
  it("walks through every step against an embedded emulator", async () => {
    const run = await runCli(["demo"]);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain("against the embedded Kodo emulator at http://127.0.0.1:");
    expect(run.stdout).toMatch(/^ ?\d+\. putAuth/m);
    expect(run.stdout).toMatch(/^ ?\d+\. drop/m);
    expect(run.stdout).not.toContain("✗");
    expect(run.stdout.trimEnd().endsWith("Every step did what it should.")).toBe(true);
  });

  it("exits with 2 for a usage error", async () => {
    const run = await runCli(["demo", "--json"]);
    expect(run).toMatchObject({ code: 2 });
    expect(run.stderr).toContain("Unknown option '--json'");
    expect((await runCli(["demo", "extra"])).code).toBe(2);
  });

  it("shows its help with --help", async () => {
    const run = await runCli(["demo", "--help"]);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/^Usage: qiniu-kit demo/);
    expect(run.stdout).toContain("QINIU_DEMO_DROP");
  });
});
