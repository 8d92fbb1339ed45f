import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/client.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import type { Emulator } from "../../src/emulator/types.ts";
import { put } from "../../src/upload/put.ts";
import { buildTimeoutMs, emulatorEnv, ensureBuilt, parseJson, runCli } from "./helpers.ts";

let emulator: Emulator;
let env: Record<string, string>;
const keys = ["a.txt", "photos/2024/x.jpg", "photos/2024/y.jpg", "photos/cat.jpg"];

beforeAll(async () => {
  await ensureBuilt();
  emulator = await startEmulator({ buckets: ["photos", "empty"] });
  env = emulatorEnv(emulator);
  const client = createClient({
    accessKey: emulator.accessKey,
    secretKey: emulator.secretKey,
    bucket: "photos",
    ucHost: emulator.url,
  });
  for (const key of keys) {
    const uploaded = await put(client, key, `bytes of ${key}`);
    if (!uploaded.ok) throw uploaded.error;
  }
}, buildTimeoutMs);

afterAll(async () => {
  await emulator?.stop();
});

describe("qiniu-kit ls", () => {
  it("lists every key, one per line, in key order", async () => {
    const run = await runCli(["ls"], { env });
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout.trim().split("\n")).toEqual(keys);
  });

  it("lists the keys under a prefix, grouped by a delimiter", async () => {
    const under = await runCli(["ls", "photos/"], { env });
    expect(under.stdout.trim().split("\n")).toEqual(keys.slice(1));

    const grouped = await runCli(["ls", "photos/", "-d", "/"], { env });
    expect(grouped.code).toBe(0);
    expect(grouped.stdout.trim().split("\n")).toEqual(["photos/2024/", "photos/cat.jpg"]);
  });

  it("shows sizes and write times with --long, and stops at --limit", async () => {
    const run = await runCli(["ls", "photos/", "--long", "--limit", "2"], { env });
    expect(run).toMatchObject({ code: 0 });
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\s+26 {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}photos\/2024\/x\.jpg$/);
  });

  it("prints one JSON document with --json", async () => {
    const run = await runCli(["ls", "photos/", "--delimiter", "/", "--json"], { env });
    expect(run).toMatchObject({ code: 0 });
    const listing = parseJson(run);
    expect(listing).toMatchObject({ bucket: "photos", prefix: "photos/" });
    expect(listing.prefixes).toEqual(["photos/2024/"]);
    expect(listing.items).toEqual([
      expect.objectContaining({ key: "photos/cat.jpg", fsize: 23, mimeType: expect.any(String) }),
    ]);
  });

  it("succeeds with nothing to list", async () => {
    const run = await runCli(["ls", "--json"], { env: { ...env, QINIU_BUCKET: "empty" } });
    expect(run).toMatchObject({ code: 0 });
    expect(parseJson(run)).toEqual({ bucket: "empty", prefix: "", items: [], prefixes: [] });
    expect((await runCli(["ls", "nothing/"], { env })).stdout).toBe("");
  });

  it("exits with 3 when the bucket does not exist", async () => {
    const run = await runCli(["ls", "--bucket", "nosuch"], { env });
    expect(run).toMatchObject({ code: 3 });
    expect(run.stderr).toContain("(no_such_bucket, 631");

    const json = await runCli(["ls", "--bucket", "nosuch", "--json"], { env });
    expect(json).toMatchObject({ code: 3 });
    expect(parseJson(json)).toMatchObject({ error: { code: "no_such_bucket", status: 631 } });
  });

  it("exits with 2 for a usage error", async () => {
    const limit = await runCli(["ls", "--limit", "many"], { env });
    expect(limit).toMatchObject({ code: 2 });
    expect(limit.stderr).toContain('--limit expects a whole number of at least 1, not "many"');
    expect((await runCli(["ls", "a/", "b/"], { env })).code).toBe(2);
    expect((await runCli(["ls", "--limit", "0"], { env })).code).toBe(2);
  });

  it("shows its help with --help", async () => {
    const run = await runCli(["ls", "-h"]);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/^Usage: qiniu-kit ls \[prefix\]/);
  });
});
