import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { etagText as etag } from "../../src/etag/etag.ts";
import { patternBytes } from "../helpers/emulator.ts";
import { buildTimeoutMs, ensureBuilt, parseJson, runCli } from "./helpers.ts";

let dir: string;

beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), "qiniu-kit-cli-etag-"));
  await writeFile(join(dir, "word.txt"), "etag");
}, buildTimeoutMs);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("qiniu-kit etag", () => {
  it("prints the etag and the file's name", async () => {
    const run = await runCli(["etag", "word.txt"], { cwd: dir });
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toBe("FpLiADEaVoALPkdb8tJEJyRTXoe_  word.txt\n");
  });

  it("hashes a file of several 4 MiB blocks as the library does", async () => {
    const bytes = patternBytes(9 * 1024 * 1024, 3);
    await writeFile(join(dir, "blocks.bin"), bytes);
    const run = await runCli(["etag", "blocks.bin", "--json"], { cwd: dir });
    expect(run).toMatchObject({ code: 0 });
    expect(parseJson(run)).toEqual({
      file: "blocks.bin",
      etag: await etag(bytes),
      size: bytes.length,
    });
  });

  it("reads standard input when the file is -", async () => {
    const run = await runCli(["etag", "-", "--json"], { input: "etag" });
    expect(run).toMatchObject({ code: 0 });
    expect(parseJson(run)).toEqual({ file: "-", etag: "FpLiADEaVoALPkdb8tJEJyRTXoe_", size: 4 });
  });

  it("exits with 3 when the file does not exist", async () => {
    const run = await runCli(["etag", "missing.bin"], { cwd: dir });
    expect(run).toMatchObject({ code: 3 });
    expect(run.stderr).toContain("no such file: missing.bin");
    const json = await runCli(["etag", "missing.bin", "--json"], { cwd: dir });
    expect(parseJson(json)).toMatchObject({ error: { code: "not_found" } });
  });

  it("exits with 2 for a usage error", async () => {
    expect((await runCli(["etag"])).code).toBe(2);
    expect((await runCli(["etag", "a", "b"])).code).toBe(2);
    const directory = await runCli(["etag", dir]);
    expect(directory).toMatchObject({ code: 2 });
    expect(directory.stderr).toContain("is not a file");
  });

  it("shows its help with --help", async () => {
    const run = await runCli(["etag", "--help"]);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/^Usage: qiniu-kit etag <file>/);
  });
});
