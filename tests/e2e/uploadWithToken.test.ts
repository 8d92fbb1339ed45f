import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uploadToken } from "../../src/auth/uploadToken.ts";
import type { Client } from "../../src/client.ts";
import { etagText as etag } from "../../src/etag/etag.ts";
import { stat } from "../../src/objects/stat.ts";
import type { Result } from "../../src/result.ts";
import { putAuth } from "../../src/upload/putAuth.ts";
import type { UploadData } from "../../src/upload/uploadTypes.ts";
import { uploadWithToken } from "../../src/upload/uploadWithToken.ts";
import { download, type E2e, expectSameBytes, requestsDuring, startE2e } from "../helpers/e2e.ts";

let e2e: E2e;
let client: Client;

beforeAll(async () => {
  e2e = await startE2e(["bkt"]);
  client = e2e.client();
});
afterAll(() => e2e.stop());

const MiB = 1024 * 1024;

function bytesOf(size: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

async function tokenFor(options: Parameters<typeof putAuth>[1] = {}): Promise<string> {
  const auth = await putAuth(client, options);
  if (!auth.ok) throw auth.error;
  return auth.data.token;
}

/** A token for `bkt:<key>` that expired a minute ago. */
async function expiredToken(key: string): Promise<string> {
  const deadline = Math.floor(Date.now() / 1000) - 60;
  const token = await uploadToken(e2e.emulator, { scope: `bkt:${key}`, deadline });
  if (!token.ok) throw token.error;
  return token.data;
}

describe("uploadWithToken", () => {
  it("uploads a small body in one form request, finding the up host through ucHost", async () => {
    const body = bytesOf(300 * 1024);
    const token = await tokenFor({ key: "form/a.bin" });
    // Another spelling of the emulator's origin, so that no cached region answers for it.
    const ucHost = `localhost:${e2e.emulator.port}`;
    const { value, requests } = await requestsDuring(e2e.emulator, () =>
      uploadWithToken(token, "form/a.bin", body, { ucHost, useHttps: false }),
    );
    expect(value.ok).toBe(true);
    expect(value.data).toMatchObject({
      key: "form/a.bin",
      hash: await etag(body),
      fsize: body.length,
    });
    expect(requests.map((r) => r.route)).toEqual(["uc.query", "up.form"]);
    expectSameBytes((await download(client, "form/a.bin")).bytes, body);
  });

  it("uploads a large body in parts", async () => {
    const body = bytesOf(Math.floor(2.5 * MiB), 2);
    const token = await tokenFor({ key: "parts/b.bin" });
    const progress: number[] = [];
    const { value, requests } = await requestsDuring(e2e.emulator, () =>
      uploadWithToken(token, "parts/b.bin", body, {
        ucHost: e2e.emulator.url,
        multipartThreshold: MiB,
        partSize: MiB,
        onProgress: ({ loaded }) => progress.push(loaded),
      }),
    );
    expect(value.data).toMatchObject({ key: "parts/b.bin", fsize: body.length });
    expect(requests.filter((r) => r.route === "up.v2.part")).toHaveLength(3);
    expect(progress.at(-1)).toBe(body.length);
    expectSameBytes((await download(client, "parts/b.bin")).bytes, body);
  });

  it("sends to the upHosts given, without asking the config service", async () => {
    const token = await tokenFor({ key: "hosts/c.txt" });
    const { value, requests } = await requestsDuring(e2e.emulator, () =>
      uploadWithToken(token, "hosts/c.txt", "hello", {
        upHosts: e2e.emulator.hosts,
        useHttps: false,
      }),
    );
    expect(value.data?.key).toBe("hosts/c.txt");
    expect(requests.map((r) => r.route)).toEqual(["up.form"]);
  });

  it("lets the saveKey name the object when no key is given (form)", async () => {
    const token = await tokenFor({ saveKey: "saved/$(etag)$(ext)" });
    const file = new File(["saved by the policy"], "note.txt", { type: "text/plain" });
    const { value, requests } = await requestsDuring(e2e.emulator, () =>
      uploadWithToken(token, undefined, file, { ucHost: e2e.emulator.url }),
    );
    const hash = await etag(new TextEncoder().encode("saved by the policy"));
    expect(value.data).toMatchObject({ key: `saved/${hash}.txt`, hash });
    const form = requests.find((r) => r.route === "up.form")!;
    expect(form.body).not.toContain('name="key"');
    expect(form.body).toContain('filename="note.txt"');
    expect((await stat(client, `saved/${hash}.txt`)).data?.mimeType).toBe("text/plain");
  });

  it("lets the saveKey name the object when no key is given (multipart, `~`)", async () => {
    const bytes = bytesOf(Math.floor(1.5 * MiB), 3);
    const token = await tokenFor({ saveKey: "big/$(fname)" });
    const file = new File([bytes.slice().buffer], "video.bin");
    const { value, requests } = await requestsDuring(e2e.emulator, () =>
      uploadWithToken(token, undefined, file, {
        ucHost: e2e.emulator.url,
        multipartThreshold: MiB,
        partSize: MiB,
      }),
    );
    expect(value.data).toMatchObject({ key: "big/video.bin", fsize: bytes.length });
    const init = requests.find((r) => r.route === "up.v2.init")!;
    expect(init.url).toBe("/buckets/bkt/objects/~/uploads");
    expectSameBytes((await download(client, "big/video.bin")).bytes, bytes);
  });

  it("stores under the content's hash with neither a key nor a saveKey", async () => {
    const token = await tokenFor();
    const result = await uploadWithToken(token, undefined, "anonymous", {
      ucHost: e2e.emulator.url,
    });
    const hash = await etag(new TextEncoder().encode("anonymous"));
    expect(result.data).toMatchObject({ key: hash, hash });
  });

  it("asks the tokenProvider for a fresh token when the token expired (form)", async () => {
    let calls = 0;
    const tokenProvider = async () => {
      calls++;
      return tokenFor({ key: "renew/form.txt" });
    };
    const { value, requests } = await requestsDuring(e2e.emulator, async () =>
      uploadWithToken(await expiredToken("renew/form.txt"), "renew/form.txt", "fresh", {
        ucHost: e2e.emulator.url,
        tokenProvider,
      }),
    );
    expect(value.data?.key).toBe("renew/form.txt");
    expect(calls).toBe(1);
    const statuses = requests.filter((r) => r.route === "up.form");
    expect(statuses).toHaveLength(2);
    expect(e2e.emulator.stats()["up.form"]?.statuses).toEqual({ 401: 1, 200: 1 });
  });

  it("asks the tokenProvider for a fresh token mid-upload (multipart)", async () => {
    const bytes = bytesOf(Math.floor(2.2 * MiB), 4);
    let calls = 0;
    const result = await uploadWithToken(
      await expiredToken("renew/big.bin"),
      "renew/big.bin",
      bytes,
      {
        ucHost: e2e.emulator.url,
        multipartThreshold: MiB,
        partSize: MiB,
        tokenProvider: async () => {
          calls++;
          return tokenFor({ key: "renew/big.bin" });
        },
      },
    );
    expect(result.data?.fsize).toBe(bytes.length);
    expect(calls).toBe(1);
    expectSameBytes((await download(client, "renew/big.bin")).bytes, bytes);
  });

  it("reports an expired token as unauthorized (401) when there is no tokenProvider", async () => {
    const result = await uploadWithToken(await expiredToken("old.txt"), "old.txt", "x", {
      ucHost: e2e.emulator.url,
    });
    expect(result.error).toMatchObject({ code: "unauthorized", status: 401 });
  });

  it("reports a tokenProvider that fails as unauthorized, with its reason", async () => {
    const result = await uploadWithToken(await expiredToken("old.txt"), "old.txt", "x", {
      ucHost: e2e.emulator.url,
      tokenProvider: async () => {
        throw new Error("session over");
      },
    });
    expect(result.error?.code).toBe("unauthorized");
    expect(result.error?.message).toContain("session over");
  });

  it("reports a key outside the token's scope as forbidden (403)", async () => {
    const token = await tokenFor({ key: "only/this.txt" });
    const result = await uploadWithToken(token, "other.txt", "x", { ucHost: e2e.emulator.url });
    expect(result.error).toMatchObject({ code: "forbidden", status: 403 });
  });

  it("reports a token for an unknown bucket with the service's answer (631)", async () => {
    const token = await uploadToken(e2e.emulator, { scope: "ghost:a.txt" });
    const result = await uploadWithToken(token.data!, "a.txt", "x", { ucHost: e2e.emulator.url });
    expect(result.error?.status).toBe(631);
  });

  it("rejects bad input before sending anything", async () => {
    const token = await tokenFor();
    const cases: Array<() => Promise<Result<UploadData>>> = [
      () => uploadWithToken("not-a-token", "a", "x", { ucHost: e2e.emulator.url }),
      () => uploadWithToken(token, "", "x", { ucHost: e2e.emulator.url }),
      () => uploadWithToken(token, "a", 42 as never, { ucHost: e2e.emulator.url }),
      () => uploadWithToken(token, "a", "x", { upHosts: [] }),
      () => uploadWithToken(token, "a", "x", { ucHost: 5 as never }),
      () => uploadWithToken(token, "a", "x", { tokenProvider: "x" as never }),
      () => uploadWithToken(token, "a", "x", { retry: { retries: -1 } }),
      () => uploadWithToken(token, "a", "x", { ucHost: e2e.emulator.url, partSize: 10 }),
      () => uploadWithToken(token, "a", "x", { ucHost: e2e.emulator.url, mimeType: "nope" }),
    ];
    for (const work of cases) {
      const { value, requests } = await requestsDuring(e2e.emulator, work);
      expect(value.error?.code).toBe("invalid_input");
      expect(requests).toEqual([]);
    }
  });
});
