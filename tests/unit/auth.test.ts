import { describe, expect, it } from "vitest";
import { urlsafeBase64Decode, urlsafeBase64Encode } from "../../src/auth/base64.ts";
import { sign, signWithData } from "../../src/auth/credentials.ts";
import { signDownloadUrl } from "../../src/auth/downloadUrl.ts";
import { decodeEntry, encodedEntry } from "../../src/auth/entry.ts";
import { hmacSha1 as plainHmacSha1 } from "../../src/auth/hmacSha1.plain.ts";
import { hmacSha1 } from "../../src/auth/hmacSha1.ts";
import { qboxSigningData, signQbox } from "../../src/auth/qbox.ts";
import { qiniuSigningData, signQiniu } from "../../src/auth/qiniu.ts";
import { parseUploadToken, uploadToken } from "../../src/auth/uploadToken.ts";
import { verifyCallback } from "../../src/auth/verifyCallback.ts";
import { verifyCallbackSignature } from "../../src/auth/verifyCallbackSignature.ts";
import vectors from "../fixtures/known-answers.json" with { type: "json" };

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("urlsafeBase64", () => {
  it("swaps + and / for - and _ and keeps the padding", () => {
    const bytes = new Uint8Array([0xfb, 0xff, 0xbf, 0x3e]);
    expect(urlsafeBase64Encode(bytes)).toBe("-_-_Pg==");
    expect(urlsafeBase64Decode("-_-_Pg==")).toEqual(bytes);
    expect(urlsafeBase64Decode("-_-_Pg")).toEqual(bytes);
  });

  it("rejects text that is not base64", () => {
    expect(urlsafeBase64Decode("a*b")).toBeUndefined();
    expect(urlsafeBase64Decode("abcde")).toBeUndefined();
  });
});

describe("encodedEntry", () => {
  for (const v of vectors.encodedEntry) {
    it(`encodes ${v.bucket}:${v.key} as the vector says`, () => {
      expect(encodedEntry(v.bucket, v.key)).toBe(v.want);
      expect(decodeEntry(v.want)).toEqual({ bucket: v.bucket, key: v.key ?? undefined });
    });
  }

  it("keeps colons inside keys when decoding", () => {
    expect(decodeEntry(encodedEntry("b", "a:b:c"))).toEqual({ bucket: "b", key: "a:b:c" });
  });
});

describe("hmacSha1 and sign", () => {
  for (const v of vectors.hmacSign) {
    it(`signs ${JSON.stringify(v.data)} with ${v.secretKey}`, async () => {
      expect(urlsafeBase64Encode(await hmacSha1(v.secretKey, v.data))).toBe(v.want);
      expect(urlsafeBase64Encode(await plainHmacSha1(v.secretKey, v.data))).toBe(v.want);
      expect(await sign({ accessKey: "x", secretKey: v.secretKey }, v.data)).toBe(`x:${v.want}`);
    });
  }

  for (const v of vectors.signWithData) {
    it(`signs and encodes ${JSON.stringify(v.data)}`, async () => {
      expect(await signWithData(v, v.data)).toBe(v.want);
    });
  }
});

describe("uploadToken", () => {
  for (const v of vectors.uploadToken) {
    it("signs the encoded policy as the vector says", async () => {
      const result = await uploadToken(v, JSON.parse(v.policyJson));
      expect(result).toEqual({ ok: true, data: v.want });
      expect(parseUploadToken(v.want)).toMatchObject({
        accessKey: v.accessKey,
        bucket: "bkt",
        policy: JSON.parse(v.policyJson),
      });
    });
  }

  it("sets the deadline from expiresIn", async () => {
    const before = Math.floor(Date.now() / 1000);
    const result = await uploadToken(
      { accessKey: "a", secretKey: "s" },
      { scope: "b", expiresIn: 60 },
    );
    const deadline = parseUploadToken(result.data ?? "")?.policy.deadline ?? 0;
    expect(deadline - before).toBeGreaterThanOrEqual(60);
    expect(deadline - before).toBeLessThanOrEqual(61);
  });

  it("gives invalid_input for a policy without scope or with a bad field", async () => {
    const keys = { accessKey: "a", secretKey: "s" };
    const noScope = await uploadToken(keys, { scope: "" });
    expect(noScope.error?.code).toBe("invalid_input");
    const badField = await uploadToken(keys, { scope: "b", fsizeLimit: -1 });
    expect(badField.error?.code).toBe("invalid_input");
    const badKeys = await uploadToken({ accessKey: "a:b", secretKey: "s" }, { scope: "b" });
    expect(badKeys.error?.code).toBe("invalid_input");
  });

  it("refuses to parse malformed tokens", () => {
    expect(parseUploadToken("nocolon")).toBeUndefined();
    expect(parseUploadToken("ak:sign:not-base64-json!")).toBeUndefined();
    expect(parseUploadToken(`ak:s:${urlsafeBase64Encode('{"deadline":1}')}`)).toBeUndefined();
  });
});

describe("signQbox", () => {
  const [move, emptyPath] = vectors.qboxToken;

  it("signs a management request as the vector says", async () => {
    expect(await signQbox(move!, { method: move!.method, url: move!.url!, body: "" })).toBe(
      move!.want,
    );
  });

  it("signs the form body after an empty path", async () => {
    const data = qboxSigningData({
      url: "http://example.com",
      contentType: "application/x-www-form-urlencoded",
      body: "name=test&language=go",
    });
    expect(text(data)).toBe("/\nname=test&language=go");
    expect(await sign(emptyPath!, emptyPath!.signedData!)).toBe(emptyPath!.want);
  });
});

describe("signQiniu", () => {
  const requests = vectors.qiniuToken.filter((v) => v.url !== undefined);
  for (const v of requests) {
    it(`signs ${v.method} ${v.url}`, async () => {
      const request = {
        method: v.method,
        url: v.url!,
        headers: v.headers,
        contentType: v.contentType,
        body: v.body,
      };
      expect(await signQiniu(v, request)).toBe(v.want);
    });
  }

  it("signs the published signing text", async () => {
    const v = vectors.qiniuToken.find((x) => x.signedData !== undefined)!;
    expect(await sign(v, v.signedData!)).toBe(v.want);
  });

  it("can sign the host:port:port form the official Node SDK sends", async () => {
    const v = vectors.nodeSdkHostQuirk;
    const request = {
      method: v.method,
      url: v.url,
      headers: v.headers,
      contentType: "application/x-www-form-urlencoded",
    };
    const host = v.signedHostLine.replace("Host: ", "");
    expect(text(qiniuSigningData(request, host))).toContain(v.signedHostLine);
    expect(`Qiniu ${await sign(v, qiniuSigningData(request, host))}`).toBe(v.want);
  });
});

describe("signDownloadUrl", () => {
  for (const v of vectors.privateDownloadUrl) {
    it("signs the URL with its deadline as the vector says", async () => {
      const [base, query] = v.signedUrl.split("?");
      const deadline = Number(new URLSearchParams(query).get("e"));
      const url = await signDownloadUrl(
        { accessKey: "AK", secretKey: v.secretKey },
        base!,
        deadline,
      );
      expect(url).toBe(`${v.signedUrl}&token=AK:${v.wantSign}`);
    });
  }

  it("appends to an existing query", async () => {
    const url = await signDownloadUrl(
      { accessKey: "a", secretKey: "s" },
      "http://d/k?attname=x",
      10,
    );
    expect(url).toMatch(/^http:\/\/d\/k\?attname=x&e=10&token=a:[\w-]+=$/);
  });
});

describe("verifyCallback", () => {
  for (const v of vectors.callback) {
    const method = v.method ?? "POST";
    const request = () =>
      new Request(v.url, {
        method: method === "GET" ? "POST" : method,
        headers: { "content-type": v.contentType, authorization: v.authorization, ...v.headers },
        body: v.body,
      });

    it(`accepts the ${v.authorization.split(" ")[0]} vector`, async () => {
      const valid = await verifyCallbackSignature(v, {
        authorization: v.authorization,
        method,
        url: v.url,
        headers: v.headers,
        contentType: v.contentType,
        body: v.body,
      });
      expect(valid).toBe(v.valid);
    });

    if (method === "POST") {
      it(`verifies the ${v.authorization.split(" ")[0]} vector from a Web Request`, async () => {
        const result = await verifyCallback(request(), v);
        expect(result.ok).toBe(true);
        expect(result.data?.fields?.name).toBe("sunflower.jpg");
      });
    }

    const scheme = v.authorization.split(" ")[0];
    it(`rejects the ${scheme} vector with any byte of the body altered`, async () => {
      for (let i = 0; i < v.body.length; i++) {
        const altered =
          v.body.slice(0, i) + String.fromCharCode(v.body.charCodeAt(i) ^ 1) + v.body.slice(i + 1);
        const valid = await verifyCallbackSignature(v, {
          authorization: v.authorization,
          method,
          url: v.url,
          headers: v.headers,
          contentType: v.contentType,
          body: altered,
        });
        expect(valid, `byte ${i}`).toBe(false);
      }
    });

    it(`rejects the ${scheme} vector with any byte of the signature altered`, async () => {
      const auth = v.authorization;
      for (let i = auth.indexOf(":") + 1; i < auth.length; i++) {
        const altered =
          auth.slice(0, i) + String.fromCharCode(auth.charCodeAt(i) ^ 1) + auth.slice(i + 1);
        const valid = await verifyCallbackSignature(v, {
          authorization: altered,
          method,
          url: v.url,
          headers: v.headers,
          contentType: v.contentType,
          body: v.body,
        });
        expect(valid, `byte ${i}`).toBe(false);
      }
    });
  }

  it("gives unauthorized for a request without a signature", async () => {
    const result = await verifyCallback(
      new Request("https://x/cb", { method: "POST", body: "a=1" }),
      {
        accessKey: "a",
        secretKey: "s",
      },
    );
    expect(result.error?.code).toBe("unauthorized");
  });
});
