import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createClient } from "../../src/client.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import type { Emulator } from "../../src/emulator/types.ts";
import { stat } from "../../src/objects/stat.ts";
import { put } from "../../src/upload/put.ts";
import { buildTimeoutMs, emulatorEnv, ensureBuilt, parseJson, runCli } from "./helpers.ts";

let emulator: Emulator;
let client: Client;
let env: Record<string, string>;

async function upload(...keys: string[]): Promise<void> {
  for (const key of keys) {
    const uploaded = await put(client, key, key);
    if (!uploaded.ok) throw uploaded.error;
  }
}

async function exists(key: string): Promise<boolean> {
  const info = await stat(client, key);
  if (!info.ok && info.error.code !== "not_found") throw info.error;
  return info.ok;
}

beforeAll(async () => {
  await ensureBuilt();
  emulator = await startEmulator({ buckets: ["photos"] });
  env = emulatorEnv(emulator);
  client = createClient({
    accessKey: emulator.accessKey,
    secretKey: emulator.secretKey,
    bucket: "photos",
    ucHost: emulator.url,
  });
}, buildTimeoutMs);

afterAll(async () => {
  await emulator?.stop();
});

describe("qiniu-kit rm", () => {
  it("deletes an object", async () => {
    await upload("old.txt");
    const run = await runCli(["rm", "old.txt"], { env });
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout.trim()).toBe("Removed photos:old.txt");
    expect(await exists("old.txt")).toBe(false);
  });

  it("deletes several objects and prints one JSON document with --json", async () => {
    await upload("tmp/a", "tmp/b");
    const run = await runCli(["rm", "tmp/a", "tmp/b", "--json"], { env });
    expect(run).toMatchObject({ code: 0 });
    expect(parseJson(run)).toEqual({ bucket: "photos", removed: ["tmp/a", "tmp/b"], failed: [] });
    expect(await exists("tmp/a")).toBe(false);
    expect(await exists("tmp/b")).toBe(false);
  });

  it("exits with 3 when a key names no object, still deleting the others", async () => {
    const single = await runCli(["rm", "never.txt"], { env });
    expect(single).toMatchObject({ code: 3 });
    expect(single.stderr).toMatch(/^qiniu-kit rm: never\.txt: .*\(not_found, 612/);

    await upload("keep/a", "keep/b");
    const run = await runCli(["rm", "keep/a", "never.txt", "keep/b", "--json"], { env });
    expect(run).toMatchObject({ code: 3 });
    expect(parseJson(run)).toMatchObject({
      removed: ["keep/a", "keep/b"],
      failed: [{ key: "never.txt", error: { code: "not_found", status: 612 } }],
    });
    expect(await exists("keep/b")).toBe(false);
  });

  it("exits with 1 when the service fails", async () => {
    await upload("guarded.txt");
    const run = await runCli(["rm", "guarded.txt", "--secret-key", "wrong"], { env });
    expect(run).toMatchObject({ code: 1 });
    expect(await exists("guarded.txt")).toBe(true);
  });

  it("exits with 2 for a usage error", async () => {
    const run = await runCli(["rm"], { env });
    expect(run).toMatchObject({ code: 2 });
    expect(run.stderr).toContain("expected <key> [key…]");
    expect((await runCli(["rm", "a", "--force"], { env })).code).toBe(2);
  });

  it("shows its help with --help", async () => {
    const run = await runCli(["rm", "--help"]);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/^Usage: qiniu-kit rm <key>/);
  });
});
