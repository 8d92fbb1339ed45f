import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { urlsafeBase64Encode } from "../../src/auth/base64.ts";
import type { Client } from "../../src/client.ts";
import { etagText as etag } from "../../src/etag/etag.ts";
import { callRaw } from "../../src/http/callService.ts";
import { fetchUrl } from "../../src/objects/fetchUrl.ts";
import { prefetch } from "../../src/objects/prefetch.ts";
import { stat } from "../../src/objects/stat.ts";
import { download, type E2e, requestsDuring, startE2e } from "../helpers/e2e.ts";
import { type RealServer, startRealServer } from "../helpers/realServer.ts";

let e2e: E2e;
let client: Client;
let source: RealServer;
let version = 1;

const logo = new Uint8Array(3000).map((_, i) => (i * 7) % 256);

beforeAll(async () => {
  e2e = await startE2e(["bkt", "mirrored"]);
  client = e2e.client();
  source = await startRealServer((req, res) => {
    if (req.url === "/logo.png") {
      res.writeHead(200, { "Content-Type": "image/png" });
      res.end(logo);
    } else if (req.url === "/news.txt") {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end(`version ${version}`);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
});
afterAll(async () => {
  await e2e.stop();
  await source.close();
});

describe("fetchUrl", () => {
  it("stores what a URL serves under the key given", async () => {
    const result = await fetchUrl(client, `${source.origin}/logo.png`, "brand/logo.png");
    const hash = await etag(logo);
    expect(result).toEqual({
      ok: true,
      data: { key: "brand/logo.png", hash, fsize: logo.length, mimeType: "image/png" },
    });
    expect((await download(client, "brand/logo.png")).bytes).toEqual(logo);
  });

  it("stores under the content's hash when no key is given", async () => {
    const result = await fetchUrl(client, `${source.origin}/logo.png`);
    const hash = await etag(logo);
    expect(result.data?.key).toBe(hash);
    expect((await stat(client, hash)).data?.fsize).toBe(logo.length);
  });

  it("reports a source that cannot be fetched with the service's status (478)", async () => {
    const result = await fetchUrl(client, `${source.origin}/missing`, "nothing");
    expect(result.ok).toBe(false);
    expect(result.error?.status).toBe(478);
    expect((await stat(client, "nothing")).error?.code).toBe("not_found");
  });

  it("reports an unknown bucket (631)", async () => {
    const result = await fetchUrl(e2e.client("ghost"), `${source.origin}/logo.png`, "x");
    expect(result.error).toMatchObject({ code: "no_such_bucket", status: 631 });
  });

  it("rejects a URL that is not http(s) and a bad key before sending anything", async () => {
    for (const work of [
      () => fetchUrl(client, "ftp://example.com/a"),
      () => fetchUrl(client, "not a url"),
      () => fetchUrl(client, `${source.origin}/logo.png`, ""),
      () => fetchUrl(client, `${source.origin}/logo.png`, "k", { signal: 1 as never }),
    ]) {
      const { value, requests } = await requestsDuring(e2e.emulator, work);
      expect(value.error?.code).toBe("invalid_input");
      expect(requests).toEqual([]);
    }
  });
});

describe("prefetch", () => {
  it("refreshes an object from the bucket's mirror source", async () => {
    const mirrored = e2e.client("mirrored");
    const set = await callRaw(mirrored, "uc", {
      method: "POST",
      path: `/image/mirrored/from/${urlsafeBase64Encode(source.origin)}`,
      expect: "empty",
      idempotent: true,
    });
    expect(set.ok).toBe(true);

    version = 1;
    expect(await prefetch(mirrored, "news.txt")).toEqual({ ok: true, data: {} });
    expect(new TextDecoder().decode((await download(mirrored, "news.txt")).bytes)).toBe(
      "version 1",
    );
    version = 2;
    expect((await prefetch(mirrored, "news.txt")).ok).toBe(true);
    expect(new TextDecoder().decode((await download(mirrored, "news.txt")).bytes)).toBe(
      "version 2",
    );
  });

  it("reports a missing object on the source (478)", async () => {
    const result = await prefetch(e2e.client("mirrored"), "gone.txt");
    expect(result.error?.status).toBe(478);
  });

  it("reports a bucket without a mirror source as a bad request (400)", async () => {
    const result = await prefetch(client, "news.txt");
    expect(result.error).toMatchObject({ code: "bad_request", status: 400 });
  });

  it("reports an unknown bucket (631)", async () => {
    expect((await prefetch(e2e.client("ghost"), "a")).error?.status).toBe(631);
  });

  it("rejects a bad key before sending anything", async () => {
    const { value, requests } = await requestsDuring(e2e.emulator, () => prefetch(client, ""));
    expect(value.error?.code).toBe("invalid_input");
    expect(requests).toEqual([]);
  });
});
