import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../src/emulator/index.ts";
import type { Emulator } from "../../src/emulator/types.ts";
import { etagText as etag } from "../../src/etag/etag.ts";
import { packageRoot } from "./runBehaviour.ts";

/** A Result as the Worker answers it, in JSON. */
interface Answered<T> {
  ok: boolean;
  data?: T;
  error?: { code: string; status?: number; message: string };
}

/** What the Worker answers. */
interface WorkerAnswer {
  navigator: string;
  auth: Answered<{ url: string; token: string; expiresIn: number; deadline: number }>;
  put: Answered<{ key: string; hash: string; fsize: number }>;
  stat: Answered<{ fsize: number; hash: string; mimeType: string }>;
  missing: Answered<never>;
  putFile: Answered<never>;
}

let emulator: Emulator;
let mf: Miniflare;
let script: string;
let bundledInputs: string[];

beforeAll(async () => {
  emulator = await startEmulator({ buckets: ["edge"] });

  // The Worker bundled the way wrangler does: browser platform, the workerd conditions first.
  const bundled = await build({
    entryPoints: ["tests/runtimes/worker.mjs"],
    absWorkingDir: packageRoot,
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    target: "es2022",
    write: false,
    metafile: true,
  });
  script = bundled.outputFiles[0]!.text;
  bundledInputs = Object.keys(bundled.metafile.inputs);

  // No compatibility flag at all: in particular not nodejs_compat.
  mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: "2025-01-01",
    compatibilityFlags: [],
    bindings: {
      EMULATOR_URL: emulator.url,
      ACCESS_KEY: emulator.accessKey,
      SECRET_KEY: emulator.secretKey,
      BUCKET: "edge",
    },
  });
  await mf.ready;
});

afterAll(async () => {
  await mf?.dispose();
  await emulator?.stop();
});

describe("the built package in a Cloudflare Worker (workerd through miniflare)", () => {
  it("is bundled from the browser build, without a node: import", () => {
    expect(bundledInputs).toContain("dist/index.browser.js");
    expect(bundledInputs).not.toContain("dist/index.js");
    expect(bundledInputs.filter((input) => input.startsWith("node:"))).toEqual([]);
    expect(script).not.toMatch(/from\s*["']node:/);
  });

  it("mints a token, uploads, stats and answers the stat", async () => {
    const response = await mf.dispatchFetch("http://worker.test/?key=edge/hello.txt");
    expect(response.status).toBe(200);
    const answer = (await response.json()) as WorkerAnswer;
    const written = new TextEncoder().encode("written by a Worker: edge/hello.txt");
    const hash = await etag(written);

    expect(answer.navigator).toBe("Cloudflare-Workers");
    expect(answer.auth).toMatchObject({ ok: true, data: { expiresIn: 300 } });
    expect(answer.auth.data?.url).toBe(emulator.url);
    expect(answer.put).toMatchObject({
      ok: true,
      data: { key: "edge/hello.txt", hash, fsize: written.length },
    });
    expect(answer.stat).toMatchObject({
      ok: true,
      data: { fsize: written.length, hash, mimeType: "text/plain" },
    });
    expect(answer.missing).toMatchObject({ ok: false, error: { code: "not_found", status: 612 } });
    expect(answer.putFile).toMatchObject({ ok: false, error: { code: "invalid_input" } });

    // What the Worker reported is what the emulator holds.
    const held = emulator.stats();
    expect(held["up.form"]?.requests).toBeGreaterThanOrEqual(1);
    expect(held["rs.stat"]?.requests).toBeGreaterThanOrEqual(2);
  });
});
