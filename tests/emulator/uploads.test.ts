import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import qiniu from "qiniu";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCallbackSignature } from "../../src/auth/verifyCallbackSignature.ts";
import { crc32 } from "../../src/checksums/crc32.ts";
import { md5Hex } from "../../src/checksums/md5.ts";
import type { Emulator } from "../../src/emulator/index.ts";
import { etagText as etag } from "../../src/etag/etag.ts";
import { type OfficialSdk, officialSdk, testBytes } from "../conformance/officialSdk.ts";
import { b64, call, formUpload, manage, token } from "./helpers.ts";

const MiB = 1024 * 1024;
const bucket = "uploads";
let sdk: OfficialSdk;
let emulator: Emulator;
let dir: string;

beforeAll(async () => {
  sdk = await officialSdk({ buckets: [bucket], callbackTimeoutMs: 1000 });
  emulator = sdk.emulator;
  dir = await mkdtemp(join(tmpdir(), "kit-uploads-"));
});

afterAll(async () => {
  await emulator.stop();
  await rm(dir, { recursive: true, force: true });
});

const stat = async (key: string) => (await sdk.buckets.stat(bucket, key)).data;

describe("form uploads", () => {
  it("reads fields sent after the file part", async () => {
    const part = (name: string, value: string, extra = "") =>
      `--b\r\nContent-Disposition: form-data; name="${name}"${extra}\r\n\r\n${value}\r\n`;
    const body = [
      part("file", "late fields", '; filename="late.txt"'),
      part("token", await token(emulator, { scope: bucket })),
      part("key", "late.txt"),
      part("crc32", String(crc32("late fields"))),
      "--b--\r\n",
    ].join("");
    const answer = await call(emulator, "/", {
      method: "POST",
      headers: { "Content-Type": "multipart/form-data; boundary=b" },
      body,
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ key: "late.txt", hash: await etag("late fields") });
    expect((await stat("late.txt")).mimeType).toBe("text/plain");
  });

  it("names the object by saveKey when no key is given, and always with forceSaveKey", async () => {
    const saveKey = "saved/$(x:user)/$(etag)$(ext)";
    const noKey = await sdk.token({ scope: bucket, saveKey });
    const extra = new qiniu.form_up.PutExtra();
    extra.fname = "photo.jpg";
    extra.params = { "x:user": "ann" };
    const hash = await etag("jpeg bytes");
    const first = await sdk.form.putWithoutKey(noKey, Buffer.from("jpeg bytes"), extra);
    expect(first.data).toEqual({ key: `saved/ann/${hash}.jpg`, hash });

    const forced = sdk.token({ scope: bucket, saveKey, forceSaveKey: true });
    const second = await sdk.form.put(forced, "ignored.jpg", Buffer.from("jpeg bytes"), extra);
    expect(second.data.key).toBe(`saved/ann/${hash}.jpg`);

    const plain = sdk.token({ scope: bucket });
    const third = await sdk.form.putWithoutKey(plain, Buffer.from("no name"), null);
    expect(third.data.key).toBe(await etag("no name"));
  });

  it("answers 400 for a form without a file and for a body that is not a form", async () => {
    const noFile = await formUpload(emulator, { token: await token(emulator, { scope: bucket }) });
    expect(noFile.json).toEqual({ error: "file is not specified in multipart" });
    const notForm = await call(emulator, "/", { method: "POST", body: "plain text" });
    expect(notForm.status).toBe(400);
  });

  it("answers 303 to returnUrl with the return body in upload_ret", async () => {
    const policy = {
      scope: bucket,
      returnUrl: "http://example.test/done",
      returnBody: '{"k":$(key)}',
    };
    const form = new FormData();
    form.append("token", await token(emulator, policy));
    form.append("key", "redirect.txt");
    form.append("file", new Blob(["r"]), "r.txt");
    const redirected = await fetch(`${emulator.url}/`, {
      method: "POST",
      body: form,
      redirect: "manual",
    });
    expect(redirected.status).toBe(303);
    const location = new URL(redirected.headers.get("location")!);
    const ret = Buffer.from(location.searchParams.get("upload_ret")!, "base64url").toString();
    expect(JSON.parse(ret)).toEqual({ k: "redirect.txt" });
  });
});

describe("upload callbacks", () => {
  let server: ReturnType<typeof createServer>;
  let callbackUrl = "";
  const received: Array<{ request: IncomingMessage; body: string }> = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        received.push({ request, body });
        if (request.url === "/fail") {
          response.writeHead(500).end("nope");
          return;
        }
        response.writeHead(200, { "Content-Type": "application/json" });
        response.end(JSON.stringify({ stored: true, echo: body }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("POSTs the callback signed with QBox and relays its JSON", async () => {
    const upload = sdk.token({
      scope: bucket,
      callbackUrl: `${callbackUrl}/ok`,
      callbackBody: "key=$(key)&hash=$(etag)&user=$(x:user)",
    });
    const extra = new qiniu.form_up.PutExtra();
    extra.params = { "x:user": "a b" };
    const { data, resp } = await sdk.form.put(upload, "called.txt", Buffer.from("call me"), extra);

    expect(resp.statusCode).toBe(200);
    const hash = await etag("call me");
    expect(data).toEqual({ stored: true, echo: `key=called.txt&hash=${hash}&user=a%20b` });
    const last = received.at(-1)!;
    expect(last.request.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(last.request.headers.authorization).toMatch(/^QBox /);
    const valid = await verifyCallbackSignature(emulator, {
      authorization: last.request.headers.authorization,
      url: `${callbackUrl}${last.request.url}`,
      contentType: last.request.headers["content-type"],
      body: last.body,
    });
    expect(valid).toBe(true);
  });

  it("sends a JSON callback body when callbackBodyType is JSON", async () => {
    const upload = sdk.token({
      scope: bucket,
      callbackUrl: `${callbackUrl}/ok`,
      callbackBody: '{"key":$(key),"size":$(fsize)}',
      callbackBodyType: "application/json",
    });
    const { data } = await sdk.form.put(upload, "json-called.txt", Buffer.from("1234"), null);
    expect(JSON.parse(data.echo)).toEqual({ key: "json-called.txt", size: 4 });
  });

  it("answers 579 when the callback fails, and keeps the object", async () => {
    const failing = sdk.token({
      scope: bucket,
      callbackUrl: `${callbackUrl}/fail`,
      callbackBody: "k=$(key)",
    });
    const { resp } = await sdk.form.put(failing, "callback-failed.txt", Buffer.from("kept"), null);
    expect(resp.statusCode).toBe(579);
    expect((await stat("callback-failed.txt")).fsize).toBe(4);

    const unreachable = sdk.token({
      scope: bucket,
      callbackUrl: "http://127.0.0.1:1/x",
      callbackBody: "k",
    });
    expect(
      (await sdk.form.put(unreachable, "callback-down.txt", Buffer.from("k"), null)).resp
        .statusCode,
    ).toBe(579);
  });
});

describe("resumable v1", () => {
  it("builds a block from mkblk and bput chunks, checking ctx and offset", async () => {
    const upToken = await token(emulator, { scope: `${bucket}:chunked.bin` });
    const bytes = testBytes(300_000, 3);
    const first = await call(emulator, `/mkblk/${bytes.length}`, {
      method: "POST",
      upToken,
      body: bytes.subarray(0, 100_000),
    });
    expect(first.json).toMatchObject({ offset: 100_000, crc32: crc32(bytes.subarray(0, 100_000)) });
    expect(first.json.host).toBe(emulator.url);

    const wrongOffset = await call(emulator, `/bput/${first.json.ctx}/5`, {
      method: "POST",
      upToken,
      body: "x",
    });
    expect(wrongOffset.status).toBe(701);
    const second = await call(emulator, `/bput/${first.json.ctx}/100000`, {
      method: "POST",
      upToken,
      body: bytes.subarray(100_000),
    });
    expect(second.json.offset).toBe(300_000);

    const key = b64("chunked.bin");
    const mkfile = await call(emulator, `/mkfile/${bytes.length}/key/${key}/x:a/${b64("1")}`, {
      method: "POST",
      upToken,
      body: second.json.ctx,
    });
    expect(mkfile.json).toEqual({ key: "chunked.bin", hash: await etag(bytes) });
  });

  it("answers 701 for an unknown ctx and 400 when the blocks do not add up", async () => {
    const upToken = await token(emulator, { scope: bucket });
    const bad = await call(emulator, "/mkfile/3", { method: "POST", upToken, body: "no-such-ctx" });
    expect(bad.status).toBe(701);
    expect(bad.json).toEqual({ error: "block 0: invalid context" });
    expect(
      (await call(emulator, "/bput/nope/0", { method: "POST", upToken, body: "x" })).status,
    ).toBe(701);

    const block = await call(emulator, "/mkblk/3", { method: "POST", upToken, body: "abc" });
    const wrongSize = await call(emulator, "/mkfile/4", {
      method: "POST",
      upToken,
      body: block.json.ctx,
    });
    expect(wrongSize.status).toBe(400);
    const overflow = await call(emulator, "/mkblk/2", { method: "POST", upToken, body: "abc" });
    expect(overflow.status).toBe(400);
  });

  it("stores an empty file from mkfile/0", async () => {
    const upToken = await token(emulator, { scope: bucket });
    const answer = await call(emulator, `/mkfile/0/key/${b64("empty-v1")}`, {
      method: "POST",
      upToken,
      body: "",
    });
    expect(answer.json).toEqual({ key: "empty-v1", hash: "Fto5o-5ea0sNMlW_75VgGJCv2AcJ" });
  });

  it("lets the official SDK resume a v1 upload with only the missing request", async () => {
    const path = join(dir, "resume-v1.bin");
    const bytes = testBytes(9 * MiB, 11);
    await writeFile(path, bytes);
    const recorder = await qiniu.resume_up.createResumeRecorder(dir);
    const extra = qiniu.resume_up.PutExtra.create();
    extra.version = "v1";
    extra.resumeRecorder = recorder;
    const upload = sdk.token({ scope: `${bucket}:resume-v1.bin` });

    emulator.addFault({ route: "up.v1.mkfile", status: 400, times: 1 });
    const failed = await sdk.resume.putFile(upload, "resume-v1.bin", path, extra);
    expect(failed.resp.statusCode).toBe(400);
    emulator.resetStats();

    const resumed = await sdk.resume.putFile(upload, "resume-v1.bin", path, extra);
    expect(resumed.data).toEqual({ key: "resume-v1.bin", hash: await etag(bytes) });
    const stats = emulator.stats();
    expect(stats["up.v1.mkblk"]).toBeUndefined();
    expect(stats["up.v1.mkfile"]?.requests).toBe(1);
  });
});

describe("multipart v2", () => {
  const object = b64("parts.bin");
  const base = `/buckets/${bucket}/objects/${object}/uploads`;

  it("checks Content-MD5, lists parts, and enforces the part-size rules", async () => {
    const upToken = await token(emulator, { scope: `${bucket}:parts.bin` });
    const { json: init } = await call(emulator, base, { method: "POST", upToken });
    expect(init.uploadId).toBeTruthy();

    const small = testBytes(1000, 4);
    const mismatch = await call(emulator, `${base}/${init.uploadId}/1`, {
      method: "PUT",
      upToken,
      headers: { "Content-MD5": md5Hex("other") },
      body: small,
    });
    expect(mismatch.status).toBe(400);
    const part1 = await call(emulator, `${base}/${init.uploadId}/1`, {
      method: "PUT",
      upToken,
      headers: { "Content-MD5": md5Hex(small) },
      body: small,
    });
    expect(part1.json).toEqual({ etag: await etag(small), md5: md5Hex(small) });
    const part2 = await call(emulator, `${base}/${init.uploadId}/2`, {
      method: "PUT",
      upToken,
      body: "tail",
    });

    const listed = await call(emulator, `${base}/${init.uploadId}`, { upToken });
    expect(listed.json.parts.map((p: { partNumber: number }) => p.partNumber)).toEqual([1, 2]);
    expect(listed.json.parts[0].size).toBe(1000);

    const parts = [
      { partNumber: 1, etag: part1.json.etag },
      { partNumber: 2, etag: part2.json.etag },
    ];
    const tooSmall = await call(emulator, `${base}/${init.uploadId}`, {
      method: "POST",
      upToken,
      body: JSON.stringify({ parts }),
    });
    expect(tooSmall.status).toBe(400);
    const unordered = await call(emulator, `${base}/${init.uploadId}`, {
      method: "POST",
      upToken,
      body: JSON.stringify({ parts: [...parts].reverse() }),
    });
    expect(unordered.status).toBe(400);
    const single = await call(emulator, `${base}/${init.uploadId}`, {
      method: "POST",
      upToken,
      body: JSON.stringify({
        parts: [parts[0]],
        mimeType: "application/x-test",
        metadata: { "x-qn-meta-a": "b" },
      }),
    });
    expect(single.json).toEqual({ key: "parts.bin", hash: await etag(small) });
    expect(await stat("parts.bin")).toMatchObject({
      mimeType: "application/x-test",
      "x-qn-meta": { a: "b" },
    });

    const gone = await call(emulator, `${base}/${init.uploadId}`, { upToken });
    expect(gone.status).toBe(612);
    expect(gone.json).toEqual({ error: "no such uploadId" });
  });

  it("aborts an upload, and answers 612 for an unknown uploadId", async () => {
    const upToken = await token(emulator, { scope: bucket });
    const { json: init } = await call(emulator, base, { method: "POST", upToken });
    expect(
      (await call(emulator, `${base}/${init.uploadId}`, { method: "DELETE", upToken })).status,
    ).toBe(200);
    const put = await call(emulator, `${base}/${init.uploadId}/1`, {
      method: "PUT",
      upToken,
      body: "x",
    });
    expect(put.status).toBe(612);
    const complete = await call(emulator, `${base}/unknown`, {
      method: "POST",
      upToken,
      body: '{"parts":[]}',
    });
    expect(complete.status).toBe(612);
  });

  it("completes an empty upload without a key, naming it by its hash", async () => {
    const upToken = await token(emulator, { scope: bucket });
    const path = `/buckets/${bucket}/objects/~/uploads`;
    const { json: init } = await call(emulator, path, { method: "POST", upToken });
    const done = await call(emulator, `${path}/${init.uploadId}`, {
      method: "POST",
      upToken,
      body: JSON.stringify({ parts: [] }),
    });
    expect(done.json).toEqual({
      key: "Fto5o-5ea0sNMlW_75VgGJCv2AcJ",
      hash: "Fto5o-5ea0sNMlW_75VgGJCv2AcJ",
    });
  });

  it("gives 4 MiB parts the v1 etag", async () => {
    const bytes = testBytes(8 * MiB + 3, 5);
    const extra = qiniu.resume_up.PutExtra.create();
    extra.version = "v2";
    const upload = sdk.token({ scope: `${bucket}:four.bin` });
    const stream = Readable.from([Buffer.from(bytes)]);
    const { data } = await sdk.resume.putStream(upload, "four.bin", stream, bytes.length, extra);
    expect(data.hash).toBe(await etag(bytes));
    const { data: parts } = await manage(
      emulator,
      `/stat/${b64(`${bucket}:four.bin`)}?needparts=true`,
      {
        method: "GET",
      },
    ).then((answer) => ({ data: answer.json }));
    expect(parts.parts).toEqual([4 * MiB, 4 * MiB, 3]);
  });

  it("lets the official SDK resume a v2 upload without sending the parts again", async () => {
    const path = join(dir, "resume-v2.bin");
    const bytes = testBytes(6 * MiB, 12);
    await writeFile(path, bytes);
    const extra = qiniu.resume_up.PutExtra.create();
    extra.version = "v2";
    extra.resumeRecorder = await qiniu.resume_up.createResumeRecorder(dir);
    const upload = sdk.token({ scope: `${bucket}:resume-v2.bin` });

    emulator.addFault({ route: "up.v2.complete", status: 400, times: 1 });
    expect((await sdk.resume.putFile(upload, "resume-v2.bin", path, extra)).resp.statusCode).toBe(
      400,
    );
    emulator.resetStats();

    const resumed = await sdk.resume.putFile(upload, "resume-v2.bin", path, extra);
    expect(resumed.data).toEqual({ key: "resume-v2.bin", hash: await etag(bytes) });
    const stats = emulator.stats();
    expect(stats["up.v2.part"]).toBeUndefined();
    expect(stats["up.v2.complete"]?.bytesReceived).toBeLessThan(1024);
  });
});
