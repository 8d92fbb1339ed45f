import qiniu from "qiniu";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crc32 } from "../../src/checksums/crc32.ts";
import type { Emulator } from "../../src/emulator/index.ts";
import { b64, formUpload, manage, token } from "../emulator/helpers.ts";
import { type OfficialSdk, officialSdk } from "./officialSdk.ts";

let sdk: OfficialSdk;
let emulator: Emulator;
const bucket = "auth-bkt";
const stranger = { accessKey: "someone-else", secretKey: "not-the-secret" };

beforeAll(async () => {
  sdk = await officialSdk({ buckets: [bucket] });
  emulator = sdk.emulator;
  await formUpload(
    emulator,
    { token: await token(emulator, { scope: bucket }), key: "exists.txt" },
    { bytes: "same" },
  );
});

afterAll(async () => {
  await emulator.stop();
});

const statPath = `/stat/${b64(`${bucket}:exists.txt`)}`;

describe("management signatures", () => {
  it("accepts the Qiniu scheme as sent and as the Node SDK signs it (host:port:port)", async () => {
    expect((await manage(emulator, statPath, { method: "GET" })).status).toBe(200);
    const official = await sdk.buckets.stat(bucket, "exists.txt");
    expect(official.resp.statusCode).toBe(200);
    const sent = emulator.requests().at(-1)!;
    expect(sent.headers.authorization).toMatch(/^Qiniu /);
  });

  it("accepts the QBox scheme, form body included", async () => {
    const body = `op=${encodeURIComponent(statPath)}`;
    const answer = await manage(emulator, "/batch", { scheme: "QBox", body });
    expect(answer.status).toBe(200);
    expect(answer.json[0].code).toBe(200);
  });

  it("answers 401 for a bad signature, an unknown key or no Authorization", async () => {
    const forged = await manage(emulator, statPath, {
      method: "GET",
      keys: { accessKey: emulator.accessKey, secretKey: "wrong" },
    });
    expect(forged.status).toBe(401);
    expect(forged.json).toEqual({ error: "bad token" });
    expect((await manage(emulator, statPath, { method: "GET", keys: stranger })).status).toBe(401);
    expect((await manage(emulator, statPath, { method: "GET", scheme: "none" })).status).toBe(401);
    expect(
      (await manage(emulator, statPath, { method: "GET", scheme: "QBox", keys: stranger })).status,
    ).toBe(401);

    const otherMac = new qiniu.auth.digest.Mac(stranger.accessKey, stranger.secretKey);
    const other = new qiniu.rs.BucketManager(otherMac, sdk.config);
    expect((await other.listBucket()).resp.statusCode).toBe(401);
  });

  it("answers 401 when the body was changed after signing", async () => {
    const body = `op=${encodeURIComponent(statPath)}`;
    const signed = await manage(emulator, "/batch", { body, headers: {} });
    expect(signed.status).toBe(200);
    const url = `${emulator.url}/batch`;
    const auth = (await import("../../src/auth/qiniu.ts")).signQiniu(emulator, {
      method: "POST",
      url,
      contentType: "application/x-www-form-urlencoded",
      body,
    });
    const tampered = await fetch(url, {
      method: "POST",
      headers: { Authorization: await auth, "Content-Type": "application/x-www-form-urlencoded" },
      body: `${body}&op=${encodeURIComponent(`/delete/${b64(`${bucket}:exists.txt`)}`)}`,
    });
    expect(tampered.status).toBe(401);
  });

  it("answers 403 when a signed X-Qiniu-Date is far from now", async () => {
    const answer = await manage(emulator, statPath, {
      method: "GET",
      headers: { "X-Qiniu-Date": "19700101T000000Z" },
    });
    expect(answer.status).toBe(403);
  });
});

describe("upload tokens", () => {
  it("answers 401 without a token, with a malformed one, or one signed by other keys", async () => {
    const file = { bytes: "x" };
    expect((await formUpload(emulator, { key: "a" }, file)).json).toEqual({
      error: "token not specified",
    });
    expect((await formUpload(emulator, { token: "not-a-token", key: "a" }, file)).status).toBe(401);
    const foreign = await token(stranger, { scope: bucket });
    expect((await formUpload(emulator, { token: foreign, key: "a" }, file)).status).toBe(401);
    const forged = await token(
      { accessKey: emulator.accessKey, secretKey: "wrong" },
      { scope: bucket },
    );
    expect((await formUpload(emulator, { token: forged, key: "a" }, file)).status).toBe(401);
  });

  it("answers 401 for an expired token", async () => {
    const expired = await token(emulator, {
      scope: bucket,
      deadline: Math.floor(Date.now() / 1000) - 5,
    });
    const answer = await formUpload(
      emulator,
      { token: expired, key: "late.txt" },
      { bytes: "late" },
    );
    expect(answer.status).toBe(401);
    expect(answer.json.error).toMatch(/^token expired/);
  });

  it("answers 403 for a key outside the scope", async () => {
    const scoped = sdk.token({ scope: `${bucket}:only-this.txt` });
    const { resp, data } = await sdk.form.put(scoped, "another.txt", Buffer.from("x"), null);
    expect(resp.statusCode).toBe(403);
    expect(data).toEqual({ error: "key doesn't match with scope" });

    const prefixed = sdk.token({ scope: `${bucket}:photos/`, isPrefixalScope: 1 });
    expect(
      (await sdk.form.put(prefixed, "photos/cat.jpg", Buffer.from("x"), null)).resp.statusCode,
    ).toBe(200);
    expect(
      (await sdk.form.put(prefixed, "videos/cat.mp4", Buffer.from("x"), null)).resp.statusCode,
    ).toBe(403);
  });

  it("answers 614 for insert-only uploads on an existing key, unless the same", async () => {
    const bucketScope = sdk.token({ scope: bucket });
    const other = await sdk.form.put(bucketScope, "exists.txt", Buffer.from("different"), null);
    expect(other.resp.statusCode).toBe(614);
    expect(other.data).toEqual({ error: "file exists" });
    const same = await sdk.form.put(bucketScope, "exists.txt", Buffer.from("same"), null);
    expect(same.resp.statusCode).toBe(200);

    const insertOnly = sdk.token({ scope: `${bucket}:exists.txt`, insertOnly: 1 });
    expect(
      (await sdk.form.put(insertOnly, "exists.txt", Buffer.from("other"), null)).resp.statusCode,
    ).toBe(614);
    const overwrite = sdk.token({ scope: `${bucket}:exists.txt` });
    expect(
      (await sdk.form.put(overwrite, "exists.txt", Buffer.from("new"), null)).resp.statusCode,
    ).toBe(200);
    await sdk.form.put(overwrite, "exists.txt", Buffer.from("same"), null);
  });

  it("answers 413 above fsizeLimit and 403 for a type outside mimeLimit", async () => {
    const limited = sdk.token({ scope: bucket, fsizeLimit: 4 });
    const big = await sdk.form.put(limited, "big.txt", Buffer.from("12345"), null);
    expect(big.resp.statusCode).toBe(413);
    expect(
      (await sdk.form.put(limited, "small.txt", Buffer.from("1234"), null)).resp.statusCode,
    ).toBe(200);

    const images = sdk.token({ scope: bucket, mimeLimit: "image/*" });
    const extra = new qiniu.form_up.PutExtra();
    extra.mimeType = "text/plain";
    expect((await sdk.form.put(images, "text.txt", Buffer.from("t"), extra)).resp.statusCode).toBe(
      403,
    );
    extra.mimeType = "image/png";
    expect((await sdk.form.put(images, "image.png", Buffer.from("p"), extra)).resp.statusCode).toBe(
      200,
    );
  });

  it("answers 406 when the crc32 does not match the file", async () => {
    const extra = new qiniu.form_up.PutExtra();
    extra.crc32 = String((crc32("payload") + 1) >>> 0);
    const { resp } = await sdk.form.put(
      sdk.token({ scope: bucket }),
      "crc.txt",
      Buffer.from("payload"),
      extra,
    );
    expect(resp.statusCode).toBe(406);
    expect((await sdk.buckets.stat(bucket, "crc.txt")).resp.statusCode).toBe(612);
  });

  it("checks the token of resumable uploads too", async () => {
    const expired = sdk.token({ scope: bucket, expires: -5 } as qiniu.rs.PutPolicyOptions);
    const mkblk = await fetch(`${emulator.url}/mkblk/4`, {
      method: "POST",
      headers: { Authorization: `UpToken ${expired}` },
      body: "abcd",
    });
    expect(mkblk.status).toBe(401);
    const init = await fetch(`${emulator.url}/buckets/${bucket}/objects/~/uploads`, {
      method: "POST",
    });
    expect(init.status).toBe(401);
  });
});
