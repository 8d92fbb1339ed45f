// The examples of the classic SDK's guide, as written there but for the line that imports it:
// each callback must receive what the guide shows.
import { createReadStream } from "node:fs";
import { stat as fileStat, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import qiniu from "../../src/compat/index.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import type { Emulator } from "../../src/emulator/types.ts";
import { etagText as etag } from "../../src/etag/etag.ts";

type Resp = { code: number; data?: Record<string, unknown>; error?: string };

let emulator: Emulator;
let dir: string;
let rs: InstanceType<typeof qiniu.rs.Service>;

/** Runs a guide example and gives what its callback received. */
function example(run: (done: (resp: Resp) => void) => void): Promise<Resp> {
  return new Promise((resolve) => run(resolve));
}

beforeAll(async () => {
  emulator = await startEmulator({ buckets: ["guide-bucket"] });
  dir = await mkdtemp(join(tmpdir(), "qiniu-kit-guide-"));
});

afterAll(async () => {
  await emulator.stop();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  qiniu.conf.ACCESS_KEY = emulator.accessKey;
  qiniu.conf.SECRET_KEY = emulator.secretKey;
  qiniu.conf.UC_HOST = emulator.hosts[0]!;
  qiniu.conf.USE_HTTPS = false;

  const conn = new qiniu.digestauth.Client();
  rs = new qiniu.rs.Service(conn, "guide-bucket");
});

describe("the classic guide", () => {
  it("putAuth gives an upload URL valid for 3600 seconds", async () => {
    const resp = await example((done) =>
      rs.putAuth((resp) => {
        done(resp);
      }),
    );
    expect(resp.code).toBe(200);
    expect(resp.data?.expiresIn).toBe(3600);
    expect(resp.data?.url).toMatch(/^http:\/\//);
    expect(typeof resp.data?.token).toBe("string");
  });

  it("putAuthEx gives one valid for the lifetime asked, with a callback URL", async () => {
    const expiresIn = 86400;
    const callbackUrl = "http://example.com/notifications/qiniurs_callback";
    const resp = await example((done) => rs.putAuthEx(expiresIn, callbackUrl, done));
    expect(resp.code).toBe(200);
    expect(resp.data?.expiresIn).toBe(86400);
  });

  it("put uploads a stream and gives its hash", async () => {
    const path = join(dir, "stream.txt");
    await writeFile(path, "a stream of bytes");
    const bytes = (await fileStat(path)).size;
    const fp = createReadStream(path);
    const resp = await example((done) => rs.put("guide/stream.txt", "text/plain", fp, bytes, done));
    expect(resp).toEqual({ code: 200, data: { hash: await etag("a stream of bytes") } });
    expect(resp.data?.hash).toMatch(/^[\w\-=]{28}$/);
  });

  it("putFile uploads a file and gives its hash", async () => {
    const localFile = join(dir, "photo.jpg");
    await writeFile(localFile, "not really a jpeg");
    const resp = await example((done) => rs.putFile("guide/photo.jpg", null, localFile, done));
    expect(resp.code).toBe(200);
    expect(resp.data?.hash).toMatch(/^[\w\-=]{28}$/);

    const info = await example((done) => rs.stat("guide/photo.jpg", done));
    expect(info.data?.mimeType).toBe("image/jpeg");
  });

  it("putFile of a missing file calls back with code -1 and ENOENT", async () => {
    const resp = await example((done) => rs.putFile("guide/none", null, join(dir, "none"), done));
    expect(resp.code).toBe(-1);
    expect(resp.error).toContain("ENOENT");
  });

  it("stat gives fsize, hash, mimeType and putTime", async () => {
    await example((done) => rs.put("guide/stat.txt", "text/plain", Buffer.from("12345"), 5, done));
    const resp = await example((done) => rs.stat("guide/stat.txt", done));
    expect(resp.code).toBe(200);
    expect(Object.keys(resp.data ?? {}).sort()).toEqual(["fsize", "hash", "mimeType", "putTime"]);
    expect(resp.data).toMatchObject({ fsize: 5, mimeType: "text/plain" });
  });

  it("stat of a missing key gives 612 and the service's message", async () => {
    const resp = await example((done) => rs.stat("guide/missing", done));
    expect(resp).toEqual({ code: 612, error: "no such file or directory" });
  });

  it("get gives the attributes and a download URL that serves the bytes as saveAs", async () => {
    await example((done) => rs.put("guide/get.txt", "text/plain", Buffer.from("get me"), 6, done));
    const resp = await example((done) => rs.get("guide/get.txt", "friendly.txt", done));
    expect(resp.code).toBe(200);
    expect(resp.data).toMatchObject({ fsize: 6, mimeType: "text/plain", expires: 3600 });
    const download = await fetch(String(resp.data?.url));
    expect(await download.text()).toBe("get me");
    expect(download.headers.get("content-disposition")).toContain("friendly.txt");
  });

  it("getIfNotModified gives the link for the current hash and 608 for a stale one", async () => {
    await example((done) => rs.put("guide/v.txt", null, Buffer.from("v1"), 2, done));
    const first = await example((done) => rs.stat("guide/v.txt", done));
    const baseVer = String(first.data?.hash);
    const same = await example((done) =>
      rs.getIfNotModified("guide/v.txt", "v.txt", baseVer, done),
    );
    expect(same.code).toBe(200);

    await example((done) => rs.put("guide/v.txt", null, Buffer.from("v2"), 2, done));
    const stale = await example((done) =>
      rs.getIfNotModified("guide/v.txt", "v.txt", baseVer, done),
    );
    expect(stale.code).toBe(608);
  });

  it("publish and unpublish a domain answer { code: 200 }", async () => {
    const domain = `${emulator.hosts[0]}/guide-cdn`;
    expect(await example((done) => rs.publish(domain, done))).toEqual({ code: 200 });
    await example((done) => rs.put("guide/pub.txt", null, Buffer.from("pub"), 3, done));
    expect(await (await fetch(`http://${domain}/guide/pub.txt`)).text()).toBe("pub");
    expect(await example((done) => rs.unpublish(domain, done))).toEqual({ code: 200 });
  });

  it("remove deletes a key: { code: 200 }, then 612", async () => {
    await example((done) => rs.put("guide/rm.txt", null, Buffer.from("x"), 1, done));
    expect(await example((done) => rs.remove("guide/rm.txt", done))).toEqual({ code: 200 });
    expect((await example((done) => rs.remove("guide/rm.txt", done))).code).toBe(612);
  });

  it("drop deletes the bucket and its keys: { code: 200 }", async () => {
    const resp = await example((done) => rs.drop(done));
    expect(resp).toEqual({ code: 200 });
    expect((await example((done) => rs.stat("guide/stat.txt", done))).code).toBe(631);
  });

  it("a network error calls back with code -1", async () => {
    const port = await closedPort();
    qiniu.conf.UC_HOST = `127.0.0.1:${port}`;
    const resp = await example((done) => rs.stat("guide/any", done));
    expect(resp.code).toBe(-1);
    expect(typeof resp.error).toBe("string");
  });
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address !== null ? address.port : 1;
}
