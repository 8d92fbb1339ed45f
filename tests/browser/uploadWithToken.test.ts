import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { build } from "esbuild";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "../../src/client.ts";
import { etagText as etag } from "../../src/etag/etag.ts";
import { putAuth } from "../../src/upload/putAuth.ts";
import { download, type E2e, expectSameBytes, startE2e } from "../helpers/e2e.ts";

/** What the page reports once an upload has ended. */
interface PageOutcome {
  ok: boolean;
  data?: { key: string; hash: string; fsize: number };
  error?: { code: string; message: string };
  progress: number[];
}

let e2e: E2e;
let client: Client;
let server: Server;
let browser: Browser;
let page: Page;

/** The page: it asks its server for a token, then uploads the chosen file straight to Kodo. */
function html(ucHost: string): string {
  return `<!doctype html>
<meta charset="utf-8">
<input type="file" id="file">
<script type="module">
  import { uploadWithToken } from "/qiniu-kit.js";
  const input = document.getElementById("file");
  input.addEventListener("change", async () => {
    const file = input.files[0];
    const key = "browser/" + file.name;
    const { token } = await (await fetch("/token?key=" + encodeURIComponent(key))).json();
    const progress = [];
    const result = await uploadWithToken(token, key, file, {
      ucHost: ${JSON.stringify(ucHost)},
      onProgress: ({ loaded }) => progress.push(loaded),
    });
    window.outcome = result.ok
      ? { ok: true, data: result.data, progress }
      : { ok: false, error: { code: result.error.code, message: result.error.message }, progress };
  });
  window.ready = true;
</script>`;
}

beforeAll(async () => {
  e2e = await startE2e(["web"]);
  client = e2e.client();

  // The browser bundle, built in memory.
  const bundled = await build({
    entryPoints: ["src/index.browser.ts"],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
  });
  const script = bundled.outputFiles[0]!.text;

  // The application's server: the page, the bundle, and tokens minted with the secret key.
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(html(e2e.emulator.url));
    } else if (url.pathname === "/qiniu-kit.js") {
      res.writeHead(200, { "Content-Type": "text/javascript; charset=utf-8" });
      res.end(script);
    } else if (url.pathname === "/token") {
      const auth = await putAuth(client, {
        key: url.searchParams.get("key") ?? "",
        expiresIn: 600,
      });
      res.writeHead(auth.ok ? 200 : 500, { "Content-Type": "application/json" });
      res.end(JSON.stringify(auth.ok ? { token: auth.data.token } : { error: auth.error.message }));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = await browser.newPage();
  await page.goto(origin);
  await page.waitForFunction(() => (window as { ready?: boolean }).ready === true);
});

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await e2e?.stop();
});

/** Generated content: not all zeros, so that a misplaced part would show. */
function contentOf(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4) bytes.writeUInt32LE((i * 2654435761) >>> 0, i);
  return bytes;
}

/** Chooses a file on the page's input and waits for the page's upload to end. */
async function uploadInPage(name: string, content: Buffer): Promise<PageOutcome> {
  await page.evaluate(() => {
    (window as { outcome?: unknown }).outcome = undefined;
  });
  await page.setInputFiles("#file", {
    name,
    mimeType: "application/octet-stream",
    buffer: content,
  });
  const handle = await page.waitForFunction(() => (window as { outcome?: unknown }).outcome, null, {
    timeout: 20_000,
  });
  return (await handle.jsonValue()) as PageOutcome;
}

describe("uploadWithToken in a browser", () => {
  it("uploads a 300 KiB file in one form request", async () => {
    const content = contentOf(300 * 1024);
    e2e.emulator.resetStats();
    const outcome = await uploadInPage("small.bin", content);

    expect(outcome.error).toBeUndefined();
    expect(outcome.data).toEqual({
      key: "browser/small.bin",
      hash: await etag(content),
      fsize: content.length,
      response: expect.any(Object),
    });
    expect(outcome.progress.at(-1)).toBe(content.length);
    const stats = e2e.emulator.stats();
    expect(stats["up.form"]?.statuses).toEqual({ 200: 1 });
    expect(stats["up.v2.part"]).toBeUndefined();
    expectSameBytes((await download(client, "browser/small.bin")).bytes, content);
  });

  it("uploads a 6 MiB file in parts", async () => {
    const content = contentOf(6 * 1024 * 1024);
    e2e.emulator.resetStats();
    const outcome = await uploadInPage("large.bin", content);

    expect(outcome.error).toBeUndefined();
    expect(outcome.data).toMatchObject({
      key: "browser/large.bin",
      hash: await etag(content),
      fsize: content.length,
    });
    expect(outcome.progress.at(-1)).toBe(content.length);
    const stats = e2e.emulator.stats();
    expect(stats["up.v2.part"]?.statuses).toEqual({ 200: 2 });
    expect(stats["up.v2.complete"]?.statuses).toEqual({ 200: 1 });
    expect(stats["up.form"]).toBeUndefined();
    expectSameBytes((await download(client, "browser/large.bin")).bytes, content);
  });
});
