import { Readable } from "node:stream";
import qiniu from "qiniu";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { etagText as etag } from "../../src/etag/etag.ts";
import { etagV2Text as etagV2 } from "../../src/etag/etagV2.ts";
import { type OfficialSdk, officialSdk, testBytes } from "./officialSdk.ts";

const MiB = 1024 * 1024;
const bucket = "conformance";
const privateBucket = "conformance-private";
let sdk: OfficialSdk;

beforeAll(async () => {
  sdk = await officialSdk({ buckets: [bucket, { name: privateBucket, private: true }] });
});

afterAll(async () => {
  await sdk.emulator.stop();
});

/** Uploads small content with the official form uploader. */
async function formPut(key: string, content: string | Uint8Array, extra?: qiniu.form_up.PutExtra) {
  const token = sdk.token({ scope: `${bucket}:${key}` });
  return sdk.form.put(token, key, Buffer.from(content), extra ?? null);
}

describe("the official qiniu SDK against the emulator", () => {
  it("uploads with the form uploader, custom variables and metadata included", async () => {
    const extra = new qiniu.form_up.PutExtra();
    extra.fname = "hello.txt";
    extra.params = { "x:foo": "bar" };
    extra.metadata = { "x-qn-meta-owner": "kit" };
    extra.mimeType = "text/plain";
    const token = sdk.token({
      scope: `${bucket}:form/hello.txt`,
      returnBody: '{"key":$(key),"hash":$(etag),"size":$(fsize),"foo":$(x:foo),"name":$(fname)}',
    });

    const { data, resp } = await sdk.form.put(token, "form/hello.txt", Buffer.from("hello"), extra);

    expect(resp.statusCode).toBe(200);
    expect(data).toEqual({
      key: "form/hello.txt",
      hash: await etag("hello"),
      size: 5,
      foo: "bar",
      name: "hello.txt",
    });
    const stat = await sdk.buckets.stat(bucket, "form/hello.txt");
    expect(stat.data).toMatchObject({
      fsize: 5,
      mimeType: "text/plain",
      "x-qn-meta": { owner: "kit" },
    });
  });

  it("uploads 9 MiB + 5 B with resumable v1 and gets the v1 etag", async () => {
    const bytes = testBytes(9 * MiB + 5, 7);
    const extra = qiniu.resume_up.PutExtra.create();
    extra.version = "v1";
    sdk.emulator.resetStats();

    const token = sdk.token({ scope: `${bucket}:big/v1.bin` });
    const { data, resp } = await sdk.resume.putStream(
      token,
      "big/v1.bin",
      Readable.from([Buffer.from(bytes)]),
      bytes.length,
      extra,
    );

    expect(resp.statusCode).toBe(200);
    expect(data).toEqual({ key: "big/v1.bin", hash: await etag(bytes) });
    expect(data.hash.startsWith("l")).toBe(true);
    const stats = sdk.emulator.stats();
    expect(stats["up.v1.mkblk"]).toMatchObject({ requests: 3, bytesReceived: bytes.length });
    expect(stats["up.v1.mkfile"]?.requests).toBe(1);
  });

  it("uploads 9 MiB + 5 B in 5 MiB multipart v2 parts and gets the v2 etag", async () => {
    const bytes = testBytes(9 * MiB + 5, 8);
    const extra = qiniu.resume_up.PutExtra.create();
    extra.version = "v2";
    extra.partSize = 5 * MiB;
    sdk.emulator.resetStats();

    const token = sdk.token({ scope: `${bucket}:big/v2.bin` });
    const { data, resp } = await sdk.resume.putStream(
      token,
      "big/v2.bin",
      Readable.from([Buffer.from(bytes)]),
      bytes.length,
      extra,
    );

    expect(resp.statusCode).toBe(200);
    const expected = await etagV2([bytes.subarray(0, 5 * MiB), bytes.subarray(5 * MiB)]);
    expect(data).toEqual({ key: "big/v2.bin", hash: expected });
    expect(expected.startsWith("n")).toBe(true);
    expect(sdk.emulator.stats()["up.v2.part"]).toMatchObject({
      requests: 2,
      bytesReceived: bytes.length,
    });
    const stat = await sdk.buckets.stat(bucket, "big/v2.bin");
    expect(stat.data).toMatchObject({ fsize: bytes.length, hash: expected });
  });

  it("stats an object with the fields the service sends", async () => {
    await formPut("stat/a.txt", "stat me");
    const { data, resp } = await sdk.buckets.stat(bucket, "stat/a.txt");
    expect(resp.statusCode).toBe(200);
    expect(data).toMatchObject({ fsize: 7, hash: await etag("stat me"), type: 0 });
    expect(typeof data.putTime).toBe("number");
    expect(Math.abs(data.putTime / 10_000 - Date.now())).toBeLessThan(60_000);

    const missing = await sdk.buckets.stat(bucket, "stat/missing.txt");
    expect(missing.resp.statusCode).toBe(612);
    expect(missing.data).toEqual({ error: "no such file or directory" });
  });

  it("runs a batch with mixed results and answers 298", async () => {
    await formPut("batch/a.txt", "a");
    const ops = [
      qiniu.rs.statOp(bucket, "batch/a.txt"),
      qiniu.rs.statOp(bucket, "batch/missing.txt"),
      qiniu.rs.copyOp(bucket, "batch/a.txt", bucket, "batch/b.txt"),
    ];
    const { data, resp } = await sdk.buckets.batch(ops);
    expect(resp.statusCode).toBe(298);
    expect(data[0]).toMatchObject({ code: 200, data: { fsize: 1 } });
    expect(data[1]).toEqual({ code: 612, data: { error: "no such file or directory" } });
    expect(data[2]).toEqual({ code: 200 });
  });

  it("lists with a delimiter, folding keys into common prefixes", async () => {
    for (const key of [
      "list/a.txt",
      "list/b/1.txt",
      "list/b/2.txt",
      "list/c/3.txt",
      "list/d.txt",
    ]) {
      await formPut(key, key);
    }
    const { data } = await sdk.buckets.listPrefix(bucket, {
      prefix: "list/",
      delimiter: "/",
      limit: 3,
    });
    expect(data.items.map((item: { key: string }) => item.key)).toEqual(["list/a.txt"]);
    expect(data.commonPrefixes).toEqual(["list/b/", "list/c/"]);
    expect(data.marker).not.toBe("");

    const next = await sdk.buckets.listPrefix(bucket, {
      prefix: "list/",
      delimiter: "/",
      marker: data.marker,
    });
    expect(next.data.items.map((item: { key: string }) => item.key)).toEqual(["list/d.txt"]);
    expect(next.data.commonPrefixes).toEqual([]);
    expect(next.data.marker).toBe("");
  });

  it("lists with the deprecated v2 listing, one JSON line per entry", async () => {
    const options = { prefix: "list/", delimiter: "/" };
    const { data, resp } = await sdk.buckets.listPrefixV2(bucket, options);
    expect(resp.statusCode).toBe(200);
    const lines = String(data)
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.item?.key ?? line.dir)).toEqual([
      "list/a.txt",
      "list/b/",
      "list/c/",
      "list/d.txt",
    ]);
    expect(lines.at(-1).marker).toBe("");
  });

  it("moves and copies, refusing an existing target unless forced", async () => {
    await formPut("mv/src.txt", "source");
    await formPut("mv/other.txt", "other");

    const copied = await sdk.buckets.copy(bucket, "mv/src.txt", bucket, "mv/copy.txt", null);
    expect(copied.resp.statusCode).toBe(200);
    const refused = await sdk.buckets.copy(bucket, "mv/src.txt", bucket, "mv/other.txt", null);
    expect(refused.resp.statusCode).toBe(614);
    const forced = await sdk.buckets.copy(bucket, "mv/src.txt", bucket, "mv/other.txt", {
      force: true,
    });
    expect(forced.resp.statusCode).toBe(200);
    expect((await sdk.buckets.stat(bucket, "mv/other.txt")).data.hash).toBe(await etag("source"));

    const blocked = await sdk.buckets.move(bucket, "mv/src.txt", bucket, "mv/copy.txt", null);
    expect(blocked.resp.statusCode).toBe(614);
    const moved = await sdk.buckets.move(bucket, "mv/src.txt", bucket, "mv/copy.txt", {
      force: true,
    });
    expect(moved.resp.statusCode).toBe(200);
    expect((await sdk.buckets.stat(bucket, "mv/src.txt")).resp.statusCode).toBe(612);
    const renamed = await sdk.buckets.move(bucket, "mv/copy.txt", bucket, "mv/renamed.txt", null);
    expect(renamed.resp.statusCode).toBe(200);
    expect((await sdk.buckets.stat(bucket, "mv/renamed.txt")).data.fsize).toBe(6);
  });

  it("changes the mime type and the storage class, then deletes", async () => {
    await formPut("change/a.bin", "change");
    expect(
      (await sdk.buckets.changeMime(bucket, "change/a.bin", "image/png")).resp.statusCode,
    ).toBe(200);
    expect((await sdk.buckets.changeType(bucket, "change/a.bin", 1)).resp.statusCode).toBe(200);
    const stat = await sdk.buckets.stat(bucket, "change/a.bin");
    expect(stat.data).toMatchObject({ mimeType: "image/png", type: 1 });

    expect((await sdk.buckets.delete(bucket, "change/a.bin")).resp.statusCode).toBe(200);
    expect((await sdk.buckets.stat(bucket, "change/a.bin")).resp.statusCode).toBe(612);
    expect((await sdk.buckets.delete(bucket, "change/a.bin")).resp.statusCode).toBe(612);
  });

  it("creates, lists and drops buckets", async () => {
    const created = await sdk.buckets.createBucket("conformance-new", { regionId: "z1" });
    expect(created.resp.statusCode).toBe(200);
    expect((await sdk.buckets.listBucket()).data).toContain("conformance-new");
    const again = await sdk.buckets.createBucket("conformance-new", { regionId: "z1" });
    expect(again.resp.statusCode).toBe(614);

    expect((await sdk.buckets.deleteBucket("conformance-new")).resp.statusCode).toBe(200);
    expect((await sdk.buckets.listBucket()).data).not.toContain("conformance-new");
  });

  it("lists a bucket's domains, the default path-form domain first", async () => {
    const { data, resp } = await sdk.buckets.listBucketDomains(bucket);
    expect(resp.statusCode).toBe(200);
    expect(data[0]).toMatchObject({ domain: `${sdk.emulator.hosts[0]}/${bucket}`, tbl: bucket });
  });

  it("fetches a private download URL, and refuses an expired or forged one", async () => {
    const key = "secret/report.txt";
    const token = sdk.token({ scope: `${privateBucket}:${key}` });
    await sdk.form.put(token, key, Buffer.from("top secret"), null);
    const domain = `http://${sdk.emulator.hosts[0]}/${privateBucket}`;

    const url = sdk.buckets.privateDownloadUrl(domain, key, Math.floor(Date.now() / 1000) + 600);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("top secret");
    expect(response.headers.get("content-type")).toBe("text/plain");

    const expired = sdk.buckets.privateDownloadUrl(domain, key, Math.floor(Date.now() / 1000) - 10);
    expect((await fetch(expired)).status).toBe(401);
    const forged = `${url.slice(0, -4)}AAA=`;
    expect((await fetch(forged)).status).toBe(401);
    expect((await fetch(sdk.buckets.publicDownloadUrl(domain, key))).status).toBe(401);
  });

  it("fails over to the second host after a 503", async () => {
    await formPut("failover/a.txt", "still here");
    const [first, second] = sdk.emulator.hosts;
    sdk.emulator.addFault({ route: "rs.stat", status: 503, times: 1, hosts: [first!] });
    sdk.emulator.resetStats();

    const { data, resp } = await sdk.buckets.stat(bucket, "failover/a.txt");

    expect(resp.statusCode).toBe(200);
    expect(data.fsize).toBe(10);
    const stats = sdk.emulator.requests().filter((request) => request.route === "rs.stat");
    expect(stats.map((request) => request.headers.host)).toEqual([first, second]);
    expect(sdk.emulator.stats()["rs.stat"]?.statuses).toEqual({ 200: 1, 503: 1 });
  });
});
