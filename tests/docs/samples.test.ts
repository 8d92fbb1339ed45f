import { readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createClient } from "../../src/client.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import type { Emulator } from "../../src/emulator/types.ts";
import { put } from "../../src/upload/put.ts";
import { putAuth } from "../../src/upload/putAuth.ts";
import { type AppServer, startAppServer } from "./appServer.ts";
import { settled, useConfigService } from "./compat.ts";
import { drivers, type SampleContext } from "./drivers.ts";
import { type CodeBlock, codeBlocks, headingAnchor } from "./markdown.ts";
import { runCollected } from "./vitest.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const documents = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`),
];
const blocks = codeBlocks(root, documents);
const samples = blocks.filter((block) => block.language === "ts");
const outDir = join(root, "tests/.tmp/docs-samples");

/** What the samples import, and the module each import becomes in the tests. */
const modules: Record<string, string> = {
  "qiniu-kit": join(root, "tests/docs/kit.ts"),
  "qiniu-kit/compat": join(root, "tests/docs/compat.ts"),
  "qiniu-kit/emulator": join(root, "src/emulator/index.ts"),
  vitest: join(root, "tests/docs/vitest.ts"),
};

/** Fixed keys, so that a handler that read them when it loaded still holds the right ones. */
const keys = { accessKey: "docs-access-key", secretKey: "docs-secret-key" };
const buckets = ["photos", { name: "invoices", private: true }, "backups"];
const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]);

/** The objects every sample finds in the emulator. */
const objects: [bucket: string, key: string, body: string | Uint8Array, mimeType: string][] = [
  ["photos", "cat.jpg", jpeg, "image/jpeg"],
  ["photos", "dog.jpg", jpeg, "image/jpeg"],
  ["photos", "notes/today.txt", "Buy milk", "text/plain"],
  ["photos", "videos/intro.mp4", new Uint8Array(4096), "video/mp4"],
  ["photos", "albums/cover.jpg", jpeg, "image/jpeg"],
  ["photos", "albums/summer/beach.jpg", jpeg, "image/jpeg"],
  ["photos", "albums/winter/snow.jpg", jpeg, "image/jpeg"],
  ["invoices", "2024/0042.pdf", "invoice 0042", "application/pdf"],
  ["invoices", "scans/0042.jpg", jpeg, "image/jpeg"],
  ["backups", "dog.jpg", jpeg, "image/jpeg"],
];

/** The files every sample finds in its working directory. */
const files: Record<string, Uint8Array | string> = {
  "cat.jpg": jpeg,
  "intro.mp4": new Uint8Array(5 * 1024 * 1024),
  "app.log": "started\nlistening on :8080\n",
  "db.tar": new Uint8Array(9 * 1024 * 1024),
};

const where = (block: CodeBlock) => `${block.file}:${block.line}`;
const modulePath = (block: CodeBlock) =>
  join(outDir, `${basename(block.file, ".md")}-${block.line}.ts`);

/** The sample with its imports pointed at the package's sources and the tests' stand-ins. */
function rewriteImports(block: CodeBlock): string {
  return block.code.replace(/(\bfrom\s+|\bimport\s*\(\s*)"([^"]+)"/g, (whole, head, specifier) => {
    if (specifier.startsWith("node:")) return whole;
    const target = modules[specifier];
    if (target === undefined) throw new Error(`${where(block)} imports "${specifier}"`);
    return `${head}${JSON.stringify(target)}`;
  });
}

let app: AppServer;
let workDir: string;
const startDir = process.cwd();

beforeAll(async () => {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  for (const sample of samples) await writeFile(modulePath(sample), rewriteImports(sample));

  workDir = await mkdtemp(join(tmpdir(), "qiniu-kit-docs-"));
  for (const [name, content] of Object.entries(files))
    await writeFile(join(workDir, name), content);
  app = await startAppServer();
});

afterAll(async () => {
  process.chdir(startDir);
  await app?.stop();
  await rm(workDir, { recursive: true, force: true });
  await rm(outDir, { recursive: true, force: true });
});

/** Starts an emulator holding the objects the samples expect, and a context for the drivers. */
async function prepare(): Promise<SampleContext> {
  const emulator: Emulator = await startEmulator({ ...keys, buckets });
  const client = (bucket = "photos") =>
    createClient({ ...keys, bucket, ucHost: emulator.url, retry: { baseDelayMs: 1 } });
  for (const [bucket, key, body, mimeType] of objects) {
    const uploaded = await put(client(bucket), key, body, { mimeType });
    if (!uploaded.ok) throw uploaded.error;
  }

  // The application's routes: the callback endpoint of serverless.md, a token for browsers.
  app.routes.clear();
  const callbackRoute = samples.find((sample) => sample.name === "callback-route");
  if (callbackRoute !== undefined) {
    app.routes.set("/api/qiniu-callback", async (request) => {
      const route = await import(pathToFileURL(modulePath(callbackRoute)).href);
      return route.POST(request);
    });
  }
  app.routes.set("/api/upload-token", async () => {
    const key = `avatars/${crypto.randomUUID()}`;
    const auth = await putAuth(client(), { key, expiresIn: 600 });
    if (!auth.ok) throw auth.error;
    return Response.json({ key, token: auth.data.token });
  });
  return { emulator, app, client };
}

/** Lets samples reach the emulator and the application's server, and nothing else. */
function guardFetch(realFetch: typeof fetch): typeof fetch {
  return (input, init) => {
    const given = input instanceof Request ? input.url : String(input);
    const url = new URL(given, app.origin);
    if (url.hostname !== "127.0.0.1" && url.hostname !== "localhost") {
      return Promise.reject(new Error(`a sample tried to reach ${url.origin}`));
    }
    return realFetch(input instanceof Request ? input : url, init);
  };
}

describe("the samples of the docs", () => {
  it("are found", () => {
    expect(samples.length).toBeGreaterThan(30);
    expect(samples.some((sample) => sample.file === "README.md")).toBe(true);
  });

  it.each(samples.map((sample) => [where(sample), sample] as const))(
    "%s runs",
    async (_, sample) => {
      const context = await prepare();
      const driver = sample.name === undefined ? undefined : drivers[sample.name];
      if (sample.name !== undefined && driver === undefined) {
        throw new Error(`no driver is named ${sample.name}`);
      }

      // The world of a sample: credentials in the environment, files in its folder.
      const saved = { ...process.env };
      Object.assign(process.env, {
        QINIU_ACCESS_KEY: keys.accessKey,
        QINIU_SECRET_KEY: keys.secretKey,
        QINIU_BUCKET: "photos",
        QINIU_UC_HOST: context.emulator.url,
        CALLBACK_URL: `${app.origin}/api/qiniu-callback`,
      });
      process.chdir(workDir);
      useConfigService(context.emulator.url);
      const realFetch = globalThis.fetch;
      globalThis.fetch = guardFetch(realFetch);
      for (const method of ["log", "info", "warn", "error"] as const) {
        vi.spyOn(console, method).mockImplementation(() => undefined);
      }

      try {
        driver?.before?.(context);
        const exports = (await import(pathToFileURL(modulePath(sample)).href)) as Record<
          string,
          unknown
        >;
        await settled();
        const tests = await runCollected();
        if (/from "vitest"/.test(sample.code)) expect(tests.length).toBeGreaterThan(0);
        if (driver !== undefined) await driver.run(exports, context);
        else expect(Object.keys(exports), "exports of a sample without a driver").toEqual([]);
      } finally {
        driver?.after?.();
        vi.restoreAllMocks();
        globalThis.fetch = realFetch;
        process.chdir(startDir);
        for (const name of Object.keys(process.env)) {
          if (!(name in saved)) delete process.env[name];
        }
        Object.assign(process.env, saved);
        await context.emulator.stop();
      }
    },
  );

  it("each name a driver, and each driver runs a sample", () => {
    const named = samples.flatMap((sample) => (sample.name === undefined ? [] : [sample.name]));
    expect(named.toSorted()).toEqual(Object.keys(drivers).toSorted());
  });

  it("type-check under the strict settings of the package", () => {
    const config = ts.readConfigFile(join(root, "tsconfig.json"), ts.sys.readFile);
    const options = ts.parseJsonConfigFileContent(config.config, ts.sys, root).options;
    const paths = samples.map(modulePath);
    const program = ts.createProgram(paths, { ...options, noEmit: true });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file !== undefined && paths.includes(d.file.fileName))
      .map((d) => {
        const sample = samples[paths.indexOf(d.file?.fileName ?? "")];
        const line = d.file?.getLineAndCharacterOfPosition(d.start ?? 0).line ?? 0;
        const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
        return `${sample?.file}:${(sample?.line ?? 0) + line + 1}: ${text}`;
      });
    expect(problems).toEqual([]);
  }, 120_000);
});

describe("the docs", () => {
  it("use only code blocks that are run or are not code", () => {
    const languages = new Set(blocks.map((block) => block.language));
    expect(
      [...languages].filter((language) => !["ts", "sh", "text", ""].includes(language)),
    ).toEqual([]);
  });

  it("keep every line within 100 columns", () => {
    // docs/benchmarks.md is written by `npm run bench`, its table one row a line.
    const written = documents.filter((file) => file !== "docs/benchmarks.md");
    const long = written.flatMap((file) =>
      readFileSync(join(root, file), "utf8")
        .split("\n")
        .flatMap((line, i) => ([...line].length > 100 ? [`${file}:${i + 1}`] : [])),
    );
    expect(long).toEqual([]);
  });

  it("and so does the code: src, tests and bench", () => {
    const code = (dir: string): string[] =>
      readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })
        .filter((name) => /\.(ts|mjs)$/.test(name) && !name.includes(".tmp"))
        .map((name) => join(dir, name));
    const files = ["src", "tests", "bench"].flatMap(code);
    expect(files.length).toBeGreaterThan(100);
    const long = files.flatMap((file) =>
      readFileSync(join(root, file), "utf8")
        .split("\n")
        .flatMap((line, i) => ([...line].length > 100 ? [`${file}:${i + 1}`] : [])),
    );
    expect(long).toEqual([]);
  });

  it("link to files and headings that exist", () => {
    const anchors = new Map<string, Set<string>>();
    const anchorsOf = (file: string) => {
      let found = anchors.get(file);
      if (found === undefined) {
        const text = readFileSync(join(root, file), "utf8").replace(/```[\s\S]*?```/g, "");
        const headings = [...text.matchAll(/^#+ (.+)$/gm)].map((m) => headingAnchor(m[1] ?? ""));
        found = new Set(headings);
        anchors.set(file, found);
      }
      return found;
    };
    const broken: string[] = [];
    for (const file of documents) {
      const text = readFileSync(join(root, file), "utf8");
      for (const [, target = ""] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^https?:/.test(target)) continue;
        const [path = "", anchor] = target.split("#");
        const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/") + 1) : "";
        const linked = path === "" ? file : join(dir, path);
        let exists = true;
        try {
          readFileSync(join(root, linked));
        } catch {
          exists = false;
        }
        if (!exists || (anchor !== undefined && !anchorsOf(linked).has(anchor))) {
          broken.push(`${file}: ${target}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
