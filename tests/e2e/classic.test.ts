import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drop } from "../../src/buckets/drop.ts";
import { publish } from "../../src/buckets/publish.ts";
import { unpublish } from "../../src/buckets/unpublish.ts";
import { type Client, createClient } from "../../src/client.ts";
import { etagText as etag } from "../../src/etag/etag.ts";
import { get } from "../../src/objects/get.ts";
import { getIfNotModified } from "../../src/objects/getIfNotModified.ts";
import { remove } from "../../src/objects/remove.ts";
import { stat } from "../../src/objects/stat.ts";
import { put } from "../../src/upload/put.ts";
import { putAuth } from "../../src/upload/putAuth.ts";
import { putFile } from "../../src/upload/putFile.ts";
import { download, patternBytes, startTestKodo, type TestKodo } from "../helpers/emulator.ts";

let kodo: TestKodo;
let client: Client;
let dir: string;

beforeAll(async () => {
  kodo = await startTestKodo({ buckets: ["photos", { name: "vault", private: true }, "doomed"] });
  client = kodo.client;
  dir = await mkdtemp(join(tmpdir(), "qiniu-kit-e2e-"));
});

afterAll(async () => {
  await kodo.emulator.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("putAuth", () => {
  it("signs a token that a client without the secret uploads with to the up host", async () => {
    const auth = await putAuth(client, { expiresIn: 600, key: "from-browser.txt" });
    expect(auth.ok).toBe(true);
    const { url, token, expiresIn, deadline } = auth.data!;
    expect(expiresIn).toBe(600);
    expect(deadline - Math.floor(Date.now() / 1000)).toBeGreaterThan(598);
    expect(url).toMatch(/^http:\/\/(127\.0\.0\.1|localhost):\d+$/);

    const form = new FormData();
    form.append("token", token);
    form.append("key", "from-browser.txt");
    form.append("file", new Blob(["hello from a browser"]), "from-browser.txt");
    const response = await fetch(`${url}/`, { method: "POST", body: form });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { key: string; hash: string };
    expect(body).toEqual({ key: "from-browser.txt", hash: await etag("hello from a browser") });
  });

  it("refuses a token for another key (403) and an expired one (401)", async () => {
    const auth = await putAuth(client, { key: "only-this.txt" });
    const form = new FormData();
    form.append("token", auth.data!.token);
    form.append("key", "another.txt");
    form.append("file", new Blob(["x"]), "another.txt");
    expect((await fetch(`${auth.data!.url}/`, { method: "POST", body: form })).status).toBe(403);

    const { uploadToken } = await import("../../src/auth/uploadToken.ts");
    const expired = await uploadToken(client, { scope: "photos", deadline: 1_000_000_000 });
    const late = new FormData();
    late.append("token", expired.data!);
    late.append("file", new Blob(["x"]), "late.txt");
    expect((await fetch(`${auth.data!.url}/`, { method: "POST", body: late })).status).toBe(401);
  });

  it("gives invalid_input for a bad lifetime or key, without a request", async () => {
    kodo.emulator.resetStats();
    expect((await putAuth(client, { expiresIn: -5 })).error?.code).toBe("invalid_input");
    expect((await putAuth(client, { key: "" })).error?.code).toBe("invalid_input");
    expect(kodo.emulator.requests()).toHaveLength(0);
  });
});

describe("put", () => {
  const bodies: Array<[string, () => unknown, Uint8Array]> = [
    ["a string", () => "Hello, Kodo!", new TextEncoder().encode("Hello, Kodo!")],
    ["a Uint8Array", () => patternBytes(1000), patternBytes(1000)],
    ["an ArrayBuffer", () => patternBytes(999).slice().buffer, patternBytes(999)],
    ["a Blob", () => new Blob([patternBytes(70_000)]), patternBytes(70_000)],
    ["a Web stream", () => new Blob([patternBytes(300_000)]).stream(), patternBytes(300_000)],
    [
      "a Node stream",
      () => Readable.from([patternBytes(5000), patternBytes(7)]),
      concat([patternBytes(5000), patternBytes(7)]),
    ],
    [
      "an async iterable",
      () =>
        (async function* () {
          yield patternBytes(10);
          yield patternBytes(20);
        })(),
      concat([patternBytes(10), patternBytes(20)]),
    ],
  ];

  for (const [kind, body, bytes] of bodies) {
    it(`uploads ${kind} and downloads the same bytes`, async () => {
      const key = `put/${kind.replaceAll(" ", "-")}`;
      const result = await put(client, key, body() as never, { mimeType: "application/x-test" });
      expect(result.error).toBeUndefined();
      expect(result.data).toMatchObject({ key, fsize: bytes.length, hash: await etag(bytes) });

      const link = await get(client, key);
      const fetched = await download(link.data!.url);
      expect(fetched.status).toBe(200);
      expect(fetched.headers.get("content-type")).toBe("application/x-test");
      expect(Buffer.from(fetched.bytes).equals(Buffer.from(bytes))).toBe(true);
    });
  }

  it("sends a large body in parts, with progress reaching the total once", async () => {
    const bytes = patternBytes(9 * 1024 * 1024 + 5, 7);
    const seen: number[] = [];
    const result = await put(client, "put/large.bin", bytes, {
      partSize: 2 * 1024 * 1024,
      onProgress: ({ loaded, total }) => {
        expect(total).toBe(bytes.length);
        seen.push(loaded);
      },
    });
    expect(result.error).toBeUndefined();
    expect(result.data?.fsize).toBe(bytes.length);
    expect(seen.at(-1)).toBe(bytes.length);
    expect(seen.filter((loaded) => loaded === bytes.length)).toHaveLength(1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(kodo.emulator.stats()["up.v2.part"]?.requests).toBeGreaterThanOrEqual(5);

    const fetched = await download((await get(client, "put/large.bin")).data!.url);
    expect(Buffer.from(fetched.bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it("reports form upload progress every 256 KiB or less, reaching the total once", async () => {
    const bytes = patternBytes(3 * 1024 * 1024 + 17, 11);
    const seen: number[] = [];
    const result = await put(client, "put/form-progress.bin", bytes, {
      onProgress: ({ loaded, total }) => {
        expect(total).toBe(bytes.length);
        seen.push(loaded);
      },
    });
    expect(result.error).toBeUndefined();
    expect(kodo.emulator.stats()["up.form"]?.requests).toBeGreaterThan(0);
    const steps = [0, ...seen].slice(1).map((loaded, i) => loaded - [0, ...seen][i]!);
    expect(Math.max(...steps)).toBeLessThanOrEqual(256 * 1024);
    expect(Math.min(...steps)).toBeGreaterThan(0);
    expect(seen.filter((loaded) => loaded === bytes.length)).toHaveLength(1);
    expect(seen.at(-1)).toBe(bytes.length);
  });

  it("succeeds without a second upload when the answer to the completion is lost", async () => {
    const bytes = patternBytes(6 * 1024 * 1024, 13);
    let lost = 0;
    const losing: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const url = String(input);
      if (init?.method === "POST" && /\/uploads\/[^/]+$/.test(url) && lost === 0) {
        lost++;
        await response.arrayBuffer();
        throw new TypeError("fetch failed: the connection dropped before the answer arrived");
      }
      return response;
    };
    kodo.emulator.resetStats();
    const flaky = kodo.clientFor("photos", { fetch: losing });
    const result = await put(flaky, "put/lost-complete.bin", bytes, { partSize: 4 * 1024 * 1024 });
    expect(result.error).toBeUndefined();
    expect(result.data).toMatchObject({ fsize: bytes.length, hash: await etag(bytes) });
    expect(lost).toBe(1);
    expect(kodo.emulator.stats()["up.v2.complete"]?.statuses).toEqual({ 200: 1, 612: 1 });
    expect(kodo.emulator.stats()["up.v2.init"]?.requests).toBe(1);
  });

  it("sends a stream of unknown length above the threshold in parts", async () => {
    const bytes = patternBytes(5 * 1024 * 1024, 3);
    const result = await put(client, "put/unknown-length.bin", Readable.from(chunks(bytes, 65536)));
    expect(result.error).toBeUndefined();
    expect(result.data?.hash).toBe(await etag(bytes));
  });

  it("keeps custom variables and metadata", async () => {
    const result = await put(client, "put/meta.txt", "meta", { metadata: { owner: "ann" } });
    expect(result.ok).toBe(true);
    const info = await stat(client, "put/meta.txt");
    expect(info.data?.metadata).toEqual({ owner: "ann" });
  });

  it("gives invalid_input for bad keys and bodies, without a request", async () => {
    kodo.emulator.resetStats();
    expect((await put(client, "", "x")).error?.code).toBe("invalid_input");
    expect((await put(client, "a".repeat(751), "x")).error?.code).toBe("invalid_input");
    expect((await put(client, "\ud800", "x")).error?.code).toBe("invalid_input");
    expect((await put(client, "k", 42 as never)).error?.code).toBe("invalid_input");
    expect((await put(client, "k", "x", { partSize: 10 })).error?.code).toBe("invalid_input");
    expect(kodo.emulator.requests()).toHaveLength(0);
  });

  it("gives unauthorized for a wrong secret key", async () => {
    const stranger = kodo.clientFor("photos", { secretKey: "not-the-secret" });
    expect((await put(stranger, "nope.txt", "x")).error?.code).toBe("unauthorized");
  });
});

describe("putFile", () => {
  it("streams a file, with the MIME type from its extension", async () => {
    const path = join(dir, "notes.json");
    const bytes = new TextEncoder().encode('{"hello":"file"}');
    await writeFile(path, bytes);
    const result = await putFile(client, "files/notes.json", path);
    expect(result.error).toBeUndefined();
    expect(result.data).toMatchObject({ fsize: bytes.length, hash: await etag(bytes) });
    expect((await stat(client, "files/notes.json")).data?.mimeType).toBe("application/json");
  });

  it("uploads a large file in parts and leaves no resume state behind", async () => {
    const path = join(dir, "big.bin");
    const bytes = patternBytes(6 * 1024 * 1024 + 123, 9);
    await writeFile(path, bytes);
    const resumeDir = join(dir, "resume");
    const { createFileResumeStore } = await import("../../src/upload/fileResumeStore.ts");
    const result = await putFile(client, "files/big.bin", path, {
      resumeStore: createFileResumeStore(resumeDir),
    });
    expect(result.error).toBeUndefined();
    expect(result.data?.hash).toBe(await etag(bytes));
    const { readdir } = await import("node:fs/promises");
    expect(await readdir(resumeDir)).toEqual([]);
  });

  it("gives source_error for a missing file", async () => {
    const result = await putFile(client, "files/missing", join(dir, "does-not-exist"));
    expect(result.error?.code).toBe("source_error");
    expect(result.error?.message).toContain("ENOENT");
  });
});

describe("stat", () => {
  it("gives the size, hash, MIME type and write time in 100 ns units", async () => {
    const before = Date.now();
    await put(client, "stat/a.txt", "abc", { mimeType: "text/plain" });
    const info = await stat(client, "stat/a.txt");
    expect(info.data).toMatchObject({ fsize: 3, hash: await etag("abc"), mimeType: "text/plain" });
    expect(info.data!.putTime / 10_000).toBeGreaterThanOrEqual(before - 1000);
    expect(info.data!.putTime / 10_000).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it("gives not_found (612) with the service's message for a missing key", async () => {
    const info = await stat(client, "stat/missing");
    expect(info.error).toMatchObject({ code: "not_found", status: 612 });
    expect(info.error?.message).toContain("no such file or directory");
    expect(info.error?.reqId).toBeTruthy();
  });

  it("gives no_such_bucket (631) for a bucket that does not exist", async () => {
    const info = await stat(kodo.clientFor("nowhere"), "a");
    expect(info.error?.code).toBe("no_such_bucket");
  });
});

describe("get", () => {
  it("gives a public URL with attname for saveAs", async () => {
    await put(client, "get/report.pdf", "pdf bytes", { mimeType: "application/pdf" });
    const link = await get(client, "get/report.pdf", { saveAs: "Q3 report.pdf" });
    expect(link.data).toMatchObject({ fsize: 9, mimeType: "application/pdf", expires: undefined });
    const fetched = await download(link.data!.url);
    expect(fetched.headers.get("content-disposition")).toBe('attachment; filename="Q3 report.pdf"');
    expect(new TextDecoder().decode(fetched.bytes)).toBe("pdf bytes");
  });

  it("signs the URL of a private bucket, which works until it expires", async () => {
    const vault = kodo.clientFor("vault");
    await put(vault, "secret.txt", "top secret");
    const link = await get(vault, "secret.txt", { expiresIn: 60 });
    expect(link.data?.expires).toBe(60);
    expect(link.data?.url).toMatch(/[?&]e=\d+&token=/);
    expect(new TextDecoder().decode((await download(link.data!.url)).bytes)).toBe("top secret");

    const unsigned = link.data!.url.split("?")[0]!;
    expect((await download(unsigned)).status).toBe(401);
    const tampered = link.data!.url.replace(/e=(\d+)/, (_, e) => `e=${Number(e) + 1}`);
    expect((await download(tampered)).status).toBe(401);
  });

  it("gives not_found for a missing key", async () => {
    expect((await get(client, "get/missing")).error?.code).toBe("not_found");
  });
});

describe("getIfNotModified", () => {
  it("gives the link while the hash is the same, content_modified once it moved on", async () => {
    const first = await put(client, "gin/a.txt", "version 1");
    const same = await getIfNotModified(client, "gin/a.txt", first.data!.hash);
    expect(same.data?.hash).toBe(first.data!.hash);

    await put(client, "gin/a.txt", "version 2");
    const stale = await getIfNotModified(client, "gin/a.txt", first.data!.hash);
    expect(stale.error).toMatchObject({ code: "content_modified", status: 608 });
  });

  it("gives not_found for a missing key", async () => {
    expect((await getIfNotModified(client, "gin/missing", "Fxyz")).error?.code).toBe("not_found");
  });
});

describe("publish and unpublish", () => {
  it("binds a path-form domain that then serves the bucket, and unbinds it", async () => {
    const domain = `127.0.0.1:${kodo.emulator.port}/photos-cdn`;
    await put(client, "pub/hello.txt", "published");
    expect(await publish(client, domain)).toEqual({ ok: true, data: {} });

    const fetched = await download(`http://${domain}/pub/hello.txt`);
    expect(new TextDecoder().decode(fetched.bytes)).toBe("published");

    expect(await unpublish(client, domain)).toEqual({ ok: true, data: {} });
    expect((await download(`http://${domain}/pub/hello.txt`)).status).not.toBe(200);
  });

  it("gives an error for a domain that is not bound, and invalid_input for a bad one", async () => {
    const unknown = await unpublish(client, "never-bound.example.com");
    expect(unknown.ok).toBe(false);
    expect(unknown.error?.code).toBe("not_found");
    expect((await publish(client, "bad domain!")).error?.code).toBe("invalid_input");
  });
});

describe("remove", () => {
  it("deletes an object, then gives not_found", async () => {
    await put(client, "rm/a.txt", "x");
    expect(await remove(client, "rm/a.txt")).toEqual({ ok: true, data: {} });
    expect((await stat(client, "rm/a.txt")).error?.code).toBe("not_found");
    expect((await remove(client, "rm/a.txt")).error?.code).toBe("not_found");
  });
});

describe("drop", () => {
  it("deletes every object and then the bucket, and tells how many objects", async () => {
    const doomed = kodo.clientFor("doomed");
    await Promise.all(Array.from({ length: 25 }, (_, i) => put(doomed, `k${i}`, `v${i}`)));
    expect(await drop(doomed)).toEqual({ ok: true, data: { removed: 25 } });
    expect((await stat(doomed, "k1")).error?.code).toBe("no_such_bucket");
  });
});

describe("createClient", () => {
  it("throws invalid_input for bad options and hides the secret key from logs", () => {
    expect(() => createClient({ accessKey: "", secretKey: "s", bucket: "b" })).toThrow(/accessKey/);
    const made = createClient({ accessKey: "a", secretKey: "very-secret", bucket: "b" });
    expect(JSON.stringify(made)).not.toContain("very-secret");
    expect(made.secretKey).toBe("very-secret");
    expect(Object.isFrozen(made)).toBe(true);
  });
});

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

function* chunks(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
