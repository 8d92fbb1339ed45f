import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/client.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import type { Emulator } from "../../src/emulator/types.ts";
import { put } from "../../src/upload/put.ts";
import { buildTimeoutMs, emulatorEnv, ensureBuilt, parseJson, runCli } from "./helpers.ts";

let emulator: Emulator;
let env: Record<string, string>;
let hash: string;

beforeAll(async () => {
  await ensureBuilt();
  emulator = await startEmulator({ buckets: ["photos"] });
  env = emulatorEnv(emulator);
  const client = createClient({
    accessKey: emulator.accessKey,
    secretKey: emulator.secretKey,
    bucket: "photos",
    ucHost: emulator.url,
  });
  const uploaded = await put(client, "notes/today.txt", "Hello, Kodo!", {
    mimeType: "text/plain",
    metadata: { author: "ana" },
  });
  if (!uploaded.ok) throw uploaded.error;
  hash = uploaded.data.hash;
}, buildTimeoutMs);

afterAll(async () => {
  await emulator?.stop();
});

describe("qiniu-kit stat", () => {
  it("shows an object's attributes", async () => {
    const run = await runCli(["stat", "notes/today.txt"], { env });
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/^key\s+notes\/today\.txt$/m);
    expect(run.stdout).toMatch(/^size\s+12 bytes$/m);
    expect(run.stdout).toMatch(new RegExp(`^hash\\s+${hash}$`, "m"));
    expect(run.stdout).toMatch(/^MIME type\s+text\/plain$/m);
    expect(run.stdout).toMatch(/^written\s+\d{4}-\d\d-\d\dT/m);
    expect(run.stdout).toMatch(/^metadata\s+author=ana$/m);
    expect(run.stderr).toBe("");
  });

  it("prints one JSON document with --json", async () => {
    const run = await runCli(["stat", "notes/today.txt", "--json"], { env });
    expect(run).toMatchObject({ code: 0 });
    expect(parseJson(run)).toMatchObject({
      bucket: "photos",
      key: "notes/today.txt",
      fsize: 12,
      hash,
      mimeType: "text/plain",
      type: 0,
      status: 0,
      metadata: { author: "ana" },
    });
  });

  it("takes the credentials from flags as well as from the environment", async () => {
    const run = await runCli([
      "stat",
      "notes/today.txt",
      "--access-key",
      emulator.accessKey,
      "--secret-key",
      emulator.secretKey,
      "--bucket",
      "photos",
      "--uc-host",
      emulator.url,
    ]);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain(hash);
  });

  it("exits with 3 when there is no such object", async () => {
    const run = await runCli(["stat", "notes/missing.txt"], { env });
    expect(run).toMatchObject({ code: 3 });
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^qiniu-kit stat: notes\/missing\.txt: .*\(not_found, 612/);

    const json = await runCli(["stat", "notes/missing.txt", "--json"], { env });
    expect(json).toMatchObject({ code: 3 });
    expect(parseJson(json)).toMatchObject({ error: { code: "not_found", status: 612 } });
  });

  it("exits with 1 when the service refuses the credentials", async () => {
    const run = await runCli(["stat", "notes/today.txt", "--secret-key", "wrong"], { env });
    expect(run).toMatchObject({ code: 1 });
    expect(run.stderr).toContain("(unauthorized, 401");
  });

  it("exits with 2 for a usage error", async () => {
    const none = await runCli(["stat"], { env });
    expect(none).toMatchObject({ code: 2 });
    expect(none.stderr).toContain("expected <key>");
    expect(none.stderr).toContain('Run "qiniu-kit stat --help" for usage.');

    expect((await runCli(["stat", "a", "b"], { env })).code).toBe(2);
    expect((await runCli(["stat", "a", "--verbose"], { env })).code).toBe(2);

    const noKeys = await runCli(["stat", "notes/today.txt"]);
    expect(noKeys).toMatchObject({ code: 2 });
    expect(noKeys.stderr).toContain("pass --access-key or set QINIU_ACCESS_KEY");
  });

  it("shows its help with --help", async () => {
    const run = await runCli(["stat", "--help"]);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/^Usage: qiniu-kit stat <key>/);
    expect(run.stdout).toContain("QINIU_BUCKET");
    expect(run.stdout).toContain("Exit codes:");
  });
});
