import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/client.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import type { Emulator } from "../../src/emulator/types.ts";
import { put } from "../../src/upload/put.ts";
import { buildTimeoutMs, emulatorEnv, ensureBuilt, parseJson, runCli } from "./helpers.ts";

let emulator: Emulator;
let env: Record<string, string>;
let vault: Record<string, string>;

beforeAll(async () => {
  await ensureBuilt();
  emulator = await startEmulator({ buckets: ["photos", { name: "vault", private: true }] });
  env = emulatorEnv(emulator);
  vault = emulatorEnv(emulator, "vault");
  for (const bucket of ["photos", "vault"]) {
    const client = createClient({
      accessKey: emulator.accessKey,
      secretKey: emulator.secretKey,
      bucket,
      ucHost: emulator.url,
    });
    const uploaded = await put(client, "report.txt", `the report in ${bucket}`);
    if (!uploaded.ok) throw uploaded.error;
  }
}, buildTimeoutMs);

afterAll(async () => {
  await emulator?.stop();
});

async function download(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
}

describe("qiniu-kit url", () => {
  it("prints a plain URL for a public bucket", async () => {
    const run = await runCli(["url", "report.txt"], { env });
    expect(run).toMatchObject({ code: 0 });
    const url = run.stdout.trim();
    expect(url).not.toContain("token=");
    expect(await download(url)).toEqual({ status: 200, text: "the report in photos" });
  });

  it("prints a signed URL for a private bucket, or when asked", async () => {
    const run = await runCli(["url", "report.txt", "--expires", "60"], { env: vault });
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/[?&]e=\d+&token=/);
    expect(await download(run.stdout.trim())).toEqual({ status: 200, text: "the report in vault" });

    const unsigned = await runCli(["url", "report.txt", "--public"], { env: vault });
    expect(unsigned).toMatchObject({ code: 0 });
    expect((await download(unsigned.stdout.trim())).status).toBe(401);

    const signed = await runCli(["url", "report.txt", "--private"], { env });
    expect(signed.stdout).toContain("token=");
    expect(await download(signed.stdout.trim())).toEqual({
      status: 200,
      text: "the report in photos",
    });
  });

  it("prints one JSON document with --json", async () => {
    const run = await runCli(
      ["url", "report.txt", "--expires", "600", "--save-as", "Q3 report.txt", "--json"],
      { env: vault },
    );
    expect(run).toMatchObject({ code: 0 });
    const link = parseJson(run);
    expect(link).toMatchObject({ bucket: "vault", key: "report.txt", signed: true, expires: 600 });
    expect(link.url).toContain("attname=Q3%20report.txt");

    const plain = parseJson(await runCli(["url", "report.txt", "--json"], { env }));
    expect(plain).toMatchObject({ signed: false, expires: null });
  });

  it("exits with 3 when there is no such object", async () => {
    const run = await runCli(["url", "missing.txt"], { env });
    expect(run).toMatchObject({ code: 3 });
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("qiniu-kit url: missing.txt:");

    const json = await runCli(["url", "missing.txt", "--json"], { env });
    expect(parseJson(json)).toMatchObject({ error: { code: "not_found" } });
  });

  it("exits with 2 for a usage error", async () => {
    const both = await runCli(["url", "report.txt", "--private", "--public"], { env });
    expect(both).toMatchObject({ code: 2 });
    expect(both.stderr).toContain("--private and --public cannot be given together");
    expect((await runCli(["url", "report.txt", "--expires", "soon"], { env })).code).toBe(2);
    expect((await runCli(["url"], { env })).code).toBe(2);
  });

  it("shows its help with --help", async () => {
    const run = await runCli(["url", "--help"]);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/^Usage: qiniu-kit url <key>/);
  });
});
