import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Client, createClient } from "../../src/client.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import type { Emulator } from "../../src/emulator/types.ts";
import { etagText as etag } from "../../src/etag/etag.ts";
import { stat } from "../../src/objects/stat.ts";
import { patternBytes } from "../helpers/emulator.ts";
import {
  buildTimeoutMs,
  emulatorEnv,
  ensureBuilt,
  parseJson,
  runCli,
  startCli,
} from "./helpers.ts";

let emulator: Emulator;
let client: Client;
let env: Record<string, string>;
let dir: string;

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
  dir = await mkdtemp(join(tmpdir(), "qiniu-kit-cli-put-"));
  await writeFile(join(dir, "cat.txt"), "meow");
}, buildTimeoutMs);

afterAll(async () => {
  await emulator?.stop();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  emulator.clearFaults();
});

describe("qiniu-kit put", () => {
  it("uploads a file under its own name", async () => {
    const run = await runCli(["put", "cat.txt"], { env, cwd: dir });
    expect(run).toMatchObject({ code: 0 });
    const expected = await etag("meow");
    expect(run.stdout.trim()).toBe(`Uploaded cat.txt to photos:cat.txt (4 B, ${expected})`);

    const info = await stat(client, "cat.txt");
    expect(info.data).toMatchObject({ fsize: 4, hash: expected, mimeType: "text/plain" });
  });

  it("uploads under the key given, and prints one JSON document with --json", async () => {
    const run = await runCli(
      ["put", join(dir, "cat.txt"), "pets/cat", "--mime-type", "text/x-cat", "--json"],
      { env },
    );
    expect(run).toMatchObject({ code: 0 });
    expect(run.stderr).toBe("");
    expect(parseJson(run)).toEqual({
      bucket: "photos",
      key: "pets/cat",
      hash: await etag("meow"),
      fsize: 4,
    });
    expect((await stat(client, "pets/cat")).data?.mimeType).toBe("text/x-cat");
  });

  it("reads standard input when the file is -", async () => {
    const run = await runCli(["put", "-", "from-stdin.txt"], { env, input: "piped bytes" });
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain("Uploaded standard input to photos:from-stdin.txt");
    const info = await stat(client, "from-stdin.txt");
    expect(info.data?.hash).toBe(await etag("piped bytes"));
  });

  it("prints a progress line at every tenth when standard error is not a terminal", async () => {
    const path = join(dir, "big.bin");
    await writeFile(path, patternBytes(5 * 1024 * 1024));
    const run = await runCli(["put", path, "big.bin"], { env });
    expect(run).toMatchObject({ code: 0 });
    const lines = run.stderr.trim().split("\n");
    expect(lines.at(-1)).toBe("big.bin: 100% (5.0 MiB of 5.0 MiB)");
    const percents = lines.map((line) => Number(/: (\d+)% \(/.exec(line)?.[1]));
    expect(percents.every((p) => p % 10 === 0 && p > 0)).toBe(true);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(new Set(percents).size).toBe(percents.length);
    expect(percents.length).toBeGreaterThanOrEqual(3);
  });

  it("exits with 3 when the file does not exist", async () => {
    const run = await runCli(["put", "missing.jpg"], { env, cwd: dir });
    expect(run).toMatchObject({ code: 3 });
    expect(run.stderr).toContain("qiniu-kit put: no such file: missing.jpg");

    const json = await runCli(["put", "missing.jpg", "--json"], { env, cwd: dir });
    expect(json).toMatchObject({ code: 3 });
    expect(parseJson(json)).toMatchObject({ error: { code: "not_found" } });
  });

  it("exits with 1 when the service fails", async () => {
    emulator.addFault({ route: "up.form", status: 400 });
    const run = await runCli(["put", "cat.txt", "--json"], { env, cwd: dir });
    expect(run).toMatchObject({ code: 1 });
    expect(parseJson(run)).toMatchObject({ error: { code: "bad_request", status: 400 } });
  });

  it("exits with 2 for a usage error", async () => {
    const none = await runCli(["put"], { env });
    expect(none).toMatchObject({ code: 2 });
    expect(none.stderr).toContain("expected <file> [key]");

    const stdinWithoutKey = await runCli(["put", "-"], { env });
    expect(stdinWithoutKey).toMatchObject({ code: 2 });
    expect(stdinWithoutKey.stderr).toContain("a key is required");

    expect((await runCli(["put", "a", "b", "c"], { env })).code).toBe(2);
    expect((await runCli(["put", dir], { env })).code).toBe(2);
    expect((await runCli(["put", "cat.txt", "--mime-type"], { env, cwd: dir })).code).toBe(2);
  });

  it("stops with 130 on Ctrl-C, and the same command then resumes", async () => {
    const path = join(dir, "video.bin");
    await writeFile(path, patternBytes(9 * 1024 * 1024, 7));
    emulator.resetStats();
    emulator.addFault({ route: "up.v2.part", delayMs: 20_000, times: 1 });

    // Interrupt once the other parts are in and the delayed one is waiting.
    const first = startCli(["put", path, "video.bin"], { env });
    await until(() => (emulator.stats()["up.v2.part"]?.statuses["200"] ?? 0) >= 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    first.child.kill("SIGINT");
    const stopped = await first.done;
    expect(stopped).toMatchObject({ code: 130 });
    expect(stopped.stderr).toContain("interrupted; run the same command again to resume");

    emulator.clearFaults();
    emulator.resetStats();
    const second = await runCli(["put", path, "video.bin"], { env });
    expect(second).toMatchObject({ code: 0 });
    expect(emulator.stats()["up.v2.part"]?.requests).toBe(1);
    const info = await stat(client, "video.bin");
    expect(info.data?.fsize).toBe(9 * 1024 * 1024);
  });

  it("shows its help with --help", async () => {
    const run = await runCli(["put", "--help"]);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/^Usage: qiniu-kit put <file> \[key\]/);
    expect(run.stdout).toContain("--mime-type");
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the condition");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
