import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import qiniu from "qiniu";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../src/emulator/index.ts";
import { etagText as etag } from "../../src/etag/etag.ts";
import { type OfficialSdk, officialSdk, testBytes } from "../conformance/officialSdk.ts";
import { b64, formUpload, manage, token } from "./helpers.ts";

const MiB = 1024 * 1024;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kit-data-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function bytesOf(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

/** Uploads bytes with the official SDK's resumable uploader (v1 blocks or v2 parts). */
async function resumable(
  sdk: OfficialSdk,
  bucket: string,
  key: string,
  bytes: Uint8Array,
  options: { version: "v1" | "v2"; partSize?: number },
): Promise<void> {
  const extra = qiniu.resume_up.PutExtra.create();
  extra.version = options.version;
  if (options.partSize !== undefined) extra.partSize = options.partSize;
  const stream = Readable.from([Buffer.from(bytes)]);
  await sdk.resume.putStream(sdk.token({ scope: bucket }), key, stream, bytes.length, extra);
}

/** Compares bytes cheaply (a deep equality of megabytes is slow). */
function same(actual: Uint8Array, expected: Uint8Array): boolean {
  return Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(expected);
}

describe("a data directory", () => {
  it("serves every object, byte for byte, after a restart", async () => {
    const dataDir = join(dir, "restart");
    const keys = { accessKey: "persist-ak", secretKey: "persist-sk" };
    const sdk: OfficialSdk = await officialSdk({ dataDir, buckets: ["keep"], ...keys });
    const small = testBytes(1000, 1);
    const v1 = testBytes(9 * MiB + 5, 2);
    const v2 = testBytes(6 * MiB, 3);

    // Objects from each upload API, then changes of every kind.
    await sdk.form.put(sdk.token({ scope: "keep" }), "small.bin", Buffer.from(small), null);
    await resumable(sdk, "keep", "v1.bin", v1, { version: "v1" });
    await resumable(sdk, "keep", "v2.bin", v2, { version: "v2", partSize: 5 * MiB });
    await sdk.form.put(sdk.token({ scope: "keep" }), "gone.bin", Buffer.from("bye"), null);
    await sdk.buckets.delete("keep", "gone.bin");
    await sdk.buckets.copy("keep", "small.bin", "keep", "copy.bin", null);
    await sdk.buckets.move("keep", "copy.bin", "keep", "moved.bin", null);
    await sdk.buckets.changeMime("keep", "small.bin", "application/x-kept");
    await sdk.buckets.createBucket("keep-new", { regionId: "z0" });
    const domain = JSON.stringify({ source: { sourceQiniuBucket: "keep" } });
    const alias = `/domain/${encodeURIComponent(`${sdk.emulator.hosts[0]}/keep-alias`)}`;
    await manage(sdk.emulator, alias, { body: domain, contentType: "application/json" });
    await sdk.emulator.stop();

    // A new process would see the same: a new emulator on the same directory.
    const again = await startEmulator({ dataDir, ...keys });
    try {
      const base = `${again.url}/keep`;
      expect(same(await bytesOf(`${base}/small.bin`), small)).toBe(true);
      expect(same(await bytesOf(`${base}/v1.bin`), v1)).toBe(true);
      expect(same(await bytesOf(`${base}/v2.bin`), v2)).toBe(true);
      expect(same(await bytesOf(`${base}/moved.bin`), small)).toBe(true);
      expect(same(await bytesOf(`${again.url}/keep-alias/v1.bin`), v1)).toBe(true);
      expect((await fetch(`${base}/gone.bin`)).status).toBe(404);
      expect((await fetch(`${base}/copy.bin`)).status).toBe(404);
      const stat = await manage(again, `/stat/${b64("keep:small.bin")}`, { method: "GET" });
      expect(stat.json).toMatchObject({ mimeType: "application/x-kept", hash: await etag(small) });
      const buckets = await manage(again, "/buckets", { method: "GET" });
      expect(buckets.json).toEqual(["keep", "keep-new"]);
    } finally {
      await again.stop();
    }
  });

  it("reads any range of an object joined from parts, and frees the parts with it", async () => {
    const dataDir = join(dir, "joined");
    const keys = { accessKey: "parts-access", secretKey: "parts-secret-key-0042" };
    const sdk: OfficialSdk = await officialSdk({ dataDir, buckets: ["parts"], ...keys });
    try {
      const bytes = testBytes(3 * MiB + 17, 4);
      await resumable(sdk, "parts", "joined.bin", bytes, { version: "v2", partSize: MiB });

      // One blob, of four parts: ranges within a part, across two, across all, at the end.
      expect(await readdir(join(dataDir, "blobs"))).toHaveLength(1);
      const url = `${sdk.emulator.url}/parts/joined.bin`;
      const ranges = [
        [0, 9],
        [MiB - 3, MiB + 2],
        [MiB - 1, 3 * MiB + 5],
        [3 * MiB, 3 * MiB + 16],
      ] as const;
      for (const [from, to] of ranges) {
        const response = await fetch(url, { headers: { Range: `bytes=${from}-${to}` } });
        expect(response.status).toBe(206);
        const got = new Uint8Array(await response.arrayBuffer());
        expect(same(got, bytes.subarray(from, to + 1)), `${from}-${to}`).toBe(true);
      }
      expect(same(await bytesOf(url), bytes)).toBe(true);

      await sdk.buckets.delete("parts", "joined.bin");
      expect(await readdir(join(dataDir, "blobs"))).toEqual([]);
    } finally {
      await sdk.emulator.stop();
    }
  });

  it("clears what a crash leaves behind: temporary files and blobs no object names", async () => {
    const dataDir = join(dir, "debris");
    const first = await startEmulator({ dataDir, buckets: ["debris"] });
    const upload = await token(first, { scope: "debris" });
    await formUpload(first, { token: upload, key: "a.txt" }, { bytes: "intact" });
    await first.stop();

    await writeFile(join(dataDir, "tmp", "half-written"), "partial");
    await writeFile(join(dataDir, "blobs", "00000000-0000-0000-0000-000000000000"), "orphan");
    await mkdir(join(dataDir, "objects", "dropped-bucket"), { recursive: true });
    await writeFile(join(dataDir, "objects", "debris", "broken.json"), "{not json");

    const second = await startEmulator({ dataDir });
    try {
      expect(await (await fetch(`${second.url}/debris/a.txt`)).text()).toBe("intact");
      expect(await readdir(join(dataDir, "tmp"))).toEqual([]);
      expect(await readdir(join(dataDir, "blobs"))).toHaveLength(1);
      expect(await readdir(join(dataDir, "objects"))).toEqual(["debris"]);
    } finally {
      await second.stop();
    }
  });

  it("loses no acknowledged upload and keeps no half object when killed", async () => {
    const dataDir = join(dir, "crash");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "tests/emulator/fixtures/childEmulator.ts", dataDir],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const url = await firstLine(child).then((line) => JSON.parse(line).url as string);
    const keys = { accessKey: "crash-ak", secretKey: "crash-sk" };
    const upload = await token(keys, { scope: "crash" });

    // Upload in a loop until the child dies; remember what was acknowledged.
    const acknowledged = new Map<string, Uint8Array>();
    const writers = Array.from({ length: 4 }, async (_, writer) => {
      for (let i = 0; ; i++) {
        const key = `w${writer}/${i}`;
        const bytes = testBytes(50_000 + i * 997, writer * 1000 + i + 1);
        const form = new FormData();
        form.append("token", upload);
        form.append("key", key);
        form.append("file", new Blob([bytes]), key);
        try {
          const response = await fetch(`${url}/`, { method: "POST", body: form });
          if (response.status === 200) acknowledged.set(key, bytes);
        } catch {
          return;
        }
      }
    });
    await waitUntil(() => acknowledged.size >= 20);
    child.kill("SIGKILL");
    await Promise.all(writers);

    const after = await startEmulator({ dataDir, ...keys });
    try {
      for (const [key, bytes] of acknowledged) {
        expect(same(await bytesOf(`${after.url}/crash/${key}`), bytes)).toBe(true);
      }
      const listed = await manage(after, "/list?bucket=crash", { keys });
      for (const item of listed.json.items as Array<{ key: string; hash: string }>) {
        const bytes = await bytesOf(`${after.url}/crash/${item.key}`);
        expect(await etag(bytes)).toBe(item.hash);
      }
      expect(listed.json.items.length).toBeGreaterThanOrEqual(acknowledged.size);
    } finally {
      await after.stop();
    }
  });
});

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    child.stdout!.on("data", (chunk) => {
      text += chunk;
      const end = text.indexOf("\n");
      if (end >= 0) resolve(text.slice(0, end));
    });
    child.on("exit", (code) => reject(new Error(`the emulator exited with ${code}`)));
  });
}

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !condition(); i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error("timed out");
}

describe("a download under way", () => {
  it("is served whole although its object is replaced, then deleted, meanwhile", async () => {
    const { createClient } = await import("../../src/client.ts");
    const { put } = await import("../../src/upload/put.ts");
    const { remove } = await import("../../src/objects/remove.ts");
    for (const dataDir of [join(dir, "reading"), undefined]) {
      const kodo = await startEmulator({ buckets: ["live"], dataDir });
      try {
        const client = createClient({
          accessKey: kodo.accessKey,
          secretKey: kodo.secretKey,
          bucket: "live",
          ucHost: kodo.url,
        });
        const before = testBytes(9 * MiB, 5);
        expect((await put(client, "big.bin", before)).ok).toBe(true);

        // The head arrives at once, the body later: meanwhile the object changes, then goes.
        kodo.addFault({ route: "io.download", stallMs: 300, times: 1 });
        const response = await fetch(`${kodo.url}/live/big.bin`);
        expect(response.status).toBe(200);
        expect((await put(client, "big.bin", testBytes(5 * MiB, 6))).ok).toBe(true);
        expect((await remove(client, "big.bin")).ok).toBe(true);
        const got = new Uint8Array(await response.arrayBuffer());
        expect(same(got, before), `${dataDir ?? "memory"}`).toBe(true);

        // Once read, the bytes of both versions go.
        if (dataDir !== undefined) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          expect(await readdir(join(dataDir, "blobs"))).toEqual([]);
        }
      } finally {
        await kodo.stop();
      }
    }
  });

  it("lets the bytes go when the client gives the download up before the body", async () => {
    const dataDir = join(dir, "given-up");
    const kodo = await startEmulator({ buckets: ["live"], dataDir });
    try {
      const upload = await token(kodo, { scope: "live" });
      await formUpload(kodo, { token: upload, key: "gone.bin" }, { bytes: testBytes(1000, 8) });

      // The head comes, the body is stalled; the client leaves, then the object is deleted.
      kodo.addFault({ route: "io.download", stallMs: 300, times: 1 });
      const leaving = new AbortController();
      const response = await fetch(`${kodo.url}/live/gone.bin`, { signal: leaving.signal });
      expect(response.status).toBe(200);
      leaving.abort();
      await manage(kodo, `/delete/${b64("live:gone.bin")}`, {});
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await readdir(join(dataDir, "blobs"))).toEqual([]);
    } finally {
      await kodo.stop();
    }
  });
});
