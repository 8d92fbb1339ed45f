import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../runtimes/runBehaviour.ts";

/** A bundle of some exports of the built package, as an application's bundler would make it. */
interface Bundle {
  /** Minified bytes. */
  bytes: number;
  /** Gzipped bytes (zlib's default level). */
  gzip: number;
  text: string;
  /** The files whose code it holds, relative to the package (`dist/objects/stat.js` …). */
  inputs: string[];
}

const cache = new Map<string, Promise<Bundle>>();

/** The input files that left code in the output (the metafile lists every file visited). */
function includedInputs(metafile: Metafile): string[] {
  const output = Object.values(metafile.outputs)[0]!;
  return Object.entries(output.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path);
}

/** Bundles `code` (which imports the built package by name) for the browser, minified. */
function bundle(code: string, platform: "browser" | "node" = "browser"): Promise<Bundle> {
  const key = `${platform} ${code}`;
  let made = cache.get(key);
  if (made === undefined) {
    made = build({
      stdin: { contents: code, resolveDir: packageRoot, loader: "js" },
      absWorkingDir: packageRoot,
      bundle: true,
      minify: true,
      format: "esm",
      platform,
      write: false,
      metafile: true,
      logLevel: "silent",
    }).then((result) => {
      const output = result.outputFiles[0]!.contents;
      return {
        bytes: output.length,
        gzip: gzipSync(output).length,
        text: result.outputFiles[0]!.text,
        inputs: includedInputs(result.metafile as Metafile),
      };
    });
    cache.set(key, made);
  }
  return made;
}

const KB = 1024;

/** The bundles the budgets speak of, with a few more to show where the bytes are. */
const entries = {
  putAuth: 'export { putAuth } from "qiniu-kit";',
  stat: 'export { stat } from "qiniu-kit";',
  all: 'export * from "qiniu-kit";',
  "createClient + putAuth": 'export { createClient, putAuth } from "qiniu-kit";',
  "createClient + stat": 'export { createClient, stat } from "qiniu-kit";',
  "createClient + uploadToken": 'export { createClient, uploadToken } from "qiniu-kit";',
};

/** Strings that only upload code holds, and that minifying keeps. */
const uploadMarkers = ["Content-MD5", "; filename=", "persistentOps"];
/** Route names that only the emulator holds. */
const emulatorMarkers = ["up.v2.init", "rs.batch"];
/** Names that only the compat shim holds. */
const compatMarkers = ["putAuthEx", "digestauth"];

describe("browser bundles of the built package", () => {
  it("hold no node: import, whatever they take from the package", async () => {
    for (const code of Object.values(entries)) {
      const made = await bundle(code);
      expect(made.inputs.filter((input) => input.startsWith("node:"))).toEqual([]);
      expect(made.text).not.toMatch(/(from|import)\s*\(?\s*["']node:/);
    }
  });

  it("take only stat's modules for stat: no upload, emulator or compat code", async () => {
    const made = await bundle(entries.stat);
    const foreign = made.inputs.filter((input) =>
      /^dist\/(upload|emulator|compat|cli)\//.test(input),
    );
    expect(foreign).toEqual([]);
    for (const marker of [...uploadMarkers, ...emulatorMarkers, ...compatMarkers]) {
      expect(made.text, marker).not.toContain(marker);
    }
  });

  it("find those names where the code that holds them is bundled", async () => {
    // Without this, the test above could pass with names that minifying removes.
    const all = await bundle(entries.all);
    for (const marker of uploadMarkers) expect(all.text, marker).toContain(marker);
    const compat = await bundle('export { default } from "qiniu-kit/compat";');
    for (const marker of compatMarkers) expect(compat.text, marker).toContain(marker);
    const emulator = await bundle('export { startEmulator } from "qiniu-kit/emulator";', "node");
    for (const marker of emulatorMarkers) expect(emulator.text, marker).toContain(marker);
  });

  it("keep a token-minting Worker (createClient + uploadToken) under 2.5 KB gzipped", async () => {
    // No zod and no transport: signing needs neither.
    const made = await bundle(entries["createClient + uploadToken"]);
    expect(made.inputs.some((input) => input.includes("node_modules/zod/"))).toBe(false);
    expect(made.gzip).toBeLessThanOrEqual(2.5 * KB);
  });
});

// The goals are 2.5 KB for putAuth, 7 KB for stat and 22 KB for everything; they are missed, for
// the reasons docs/runtimes.md gives. These ceilings, a little above today's sizes, keep the
// bundles from growing unnoticed until a design that meets the goals lands.
const ceilings = { putAuth: 12.5 * KB, stat: 13 * KB, all: 32 * KB };

describe("bundle sizes", () => {
  for (const [name, ceiling] of Object.entries(ceilings)) {
    it(`keep ${name} at most ${(ceiling / KB).toFixed(1)} KB gzipped`, async () => {
      const made = await bundle(entries[name as keyof typeof ceilings]);
      expect(made.gzip).toBeLessThanOrEqual(ceiling);
    });
  }
});

// The sizes, for the record: docs/runtimes.md quotes them.
afterAll(async () => {
  const rows: string[] = [];
  for (const [name, code] of Object.entries(entries)) {
    const made = await bundle(code);
    rows.push(`${name.padEnd(28)} ${String(made.bytes).padStart(7)} B  ${made.gzip} B gzip`);
  }
  console.log(`bundle sizes (esbuild --minify --platform=browser):\n${rows.join("\n")}`);
});
