import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { drop } from "../buckets/drop.ts";
import { publish } from "../buckets/publish.ts";
import { unpublish } from "../buckets/unpublish.ts";
import { type Client, createClient } from "../client.ts";
import { startEmulator } from "../emulator/server.ts";
import type { Emulator } from "../emulator/types.ts";
import { get } from "../objects/get.ts";
import { getIfNotModified } from "../objects/getIfNotModified.ts";
import { remove } from "../objects/remove.ts";
import { stat } from "../objects/stat.ts";
import type { Result } from "../result.ts";
import { put } from "../upload/put.ts";
import { putAuth } from "../upload/putAuth.ts";
import { putFile } from "../upload/putFile.ts";

/** Where the demo prints, and the environment it reads its optional credentials from. */
export interface DemoOptions {
  print?: ((line: string) => void) | undefined;
  env?: Record<string, string | undefined> | undefined;
}

const bucketName = "demo-bucket";

/**
 * Walks through the classic operations, printing each step and what it gave: against the
 * embedded emulator, or against the real service when QINIU_ACCESS_KEY, QINIU_SECRET_KEY and
 * QINIU_BUCKET are set (QINIU_DOMAIN then names a domain to publish; the bucket is dropped only
 * with QINIU_DEMO_DROP=1).
 *
 * @returns Whether every step did what it should.
 */
export async function runDemo(options: DemoOptions = {}): Promise<boolean> {
  const print = options.print ?? ((line: string) => console.log(line));
  const env = options.env ?? process.env;
  const real = env.QINIU_ACCESS_KEY && env.QINIU_SECRET_KEY && env.QINIU_BUCKET;

  let emulator: Emulator | undefined;
  let client: Client;
  if (real) {
    client = createClient({
      accessKey: env.QINIU_ACCESS_KEY ?? "",
      secretKey: env.QINIU_SECRET_KEY ?? "",
      bucket: env.QINIU_BUCKET ?? "",
    });
    print(`qiniu-kit demo against the real service, bucket ${client.bucket}\n`);
  } else {
    emulator = await startEmulator({ buckets: [bucketName] });
    client = createClient({
      accessKey: emulator.accessKey,
      secretKey: emulator.secretKey,
      bucket: bucketName,
      ucHost: emulator.url,
    });
    print(`qiniu-kit demo against the embedded Kodo emulator at ${emulator.url}\n`);
  }

  const dir = await mkdtemp(join(tmpdir(), "qiniu-kit-demo-"));
  const steps = new Steps(print);
  try {
    await walk(client, steps, dir, {
      domain: real ? env.QINIU_DOMAIN : `${emulator?.hosts[0]}/demo-cdn`,
      drop: !real || env.QINIU_DEMO_DROP === "1",
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
    await emulator?.stop();
  }
  print(
    steps.failed === 0 ? "\nEvery step did what it should." : `\n${steps.failed} step(s) failed.`,
  );
  return steps.failed === 0;
}

/** Counts and prints the steps. */
class Steps {
  failed = 0;
  private count = 0;
  private readonly print: (line: string) => void;

  constructor(print: (line: string) => void) {
    this.print = print;
  }

  /** Prints a step's outcome; `check` says what was expected of a success. */
  report<T>(
    title: string,
    result: Result<T>,
    check: (data: T) => string | undefined,
  ): T | undefined {
    this.count++;
    const head = `${String(this.count).padStart(2)}. ${title}`;
    if (!result.ok) {
      this.failed++;
      this.print(`${head}\n    ✗ ${result.error.code}: ${result.error.message}`);
      return undefined;
    }
    const problem = check(result.data);
    if (problem !== undefined) this.failed++;
    this.print(
      `${head}\n    ${problem === undefined ? "✓" : `✗ ${problem}:`} ${show(result.data)}`,
    );
    return result.data;
  }

  /** Prints a step that must fail with the given code. */
  expectError(title: string, result: Result<unknown>, code: string): void {
    this.count++;
    const head = `${String(this.count).padStart(2)}. ${title}`;
    if (!result.ok && result.error.code === code) {
      this.print(`${head}\n    ✓ ${code} (${result.error.status}): ${result.error.message}`);
      return;
    }
    this.failed++;
    this.print(`${head}\n    ✗ expected ${code}, got ${show(result)}`);
  }
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

async function fetchText(url: string): Promise<Result<{ status: number; text: string }>> {
  const response = await fetch(url);
  return { ok: true, data: { status: response.status, text: await response.text() } };
}

async function walk(
  client: Client,
  steps: Steps,
  dir: string,
  settings: { domain: string | undefined; drop: boolean },
): Promise<void> {
  const streamed = "Hello from a stream!\n";
  const auth = await putAuth(client, { expiresIn: 3600 });
  steps.report("putAuth: an upload token for clients, signed locally", auth, (data) =>
    data.token.split(":").length === 3 ? undefined : "not a token",
  );

  const uploaded = await put(client, "demo/stream.txt", Readable.from([streamed]), {
    mimeType: "text/plain",
  });
  steps.report("put: a stream", uploaded, (data) =>
    data.fsize === streamed.length ? undefined : "wrong size",
  );

  const path = join(dir, "hello.json");
  await writeFile(path, JSON.stringify({ hello: "file" }));
  steps.report(
    "putFile: a local file (MIME type from the extension)",
    await putFile(client, "demo/hello.json", path),
    () => undefined,
  );

  const info = steps.report("stat", await stat(client, "demo/stream.txt"), (data) =>
    data.mimeType === "text/plain" ? undefined : "wrong MIME type",
  );

  const link = steps.report(
    "get: a download URL",
    await get(client, "demo/stream.txt", { saveAs: "hello.txt" }),
    () => undefined,
  );
  if (link !== undefined) {
    steps.report("download the bytes from that URL", await fetchText(link.url), (data) =>
      data.text === streamed ? undefined : "other bytes",
    );
  }

  if (info !== undefined) {
    steps.report(
      "getIfNotModified with the current hash",
      await getIfNotModified(client, "demo/stream.txt", info.hash),
      () => undefined,
    );
    await put(client, "demo/stream.txt", "a newer version\n");
    steps.expectError(
      "getIfNotModified with a stale hash",
      await getIfNotModified(client, "demo/stream.txt", info.hash),
      "content_modified",
    );
  }

  if (settings.domain !== undefined) {
    const domain = settings.domain;
    steps.report(`publish ${domain}`, await publish(client, domain), () => undefined);
    steps.report(
      `download from http://${domain}/demo/hello.json`,
      await fetchText(`http://${domain}/demo/hello.json`),
      (data) => (data.status === 200 ? undefined : `status ${data.status}`),
    );
    steps.report(`unpublish ${domain}`, await unpublish(client, domain), () => undefined);
  }

  steps.report("remove demo/hello.json", await remove(client, "demo/hello.json"), () => undefined);
  steps.expectError("stat of the removed key", await stat(client, "demo/hello.json"), "not_found");

  if (settings.drop) {
    steps.report("drop: every object, then the bucket", await drop(client), (data) =>
      data.removed >= 1 ? undefined : "removed nothing",
    );
  } else {
    steps.report(
      "remove demo/stream.txt",
      await remove(client, "demo/stream.txt"),
      () => undefined,
    );
  }
}
