import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signDownloadUrl } from "../../src/auth/downloadUrl.ts";
import { type Emulator, startEmulator } from "../../src/emulator/index.ts";
import { etagText as etag } from "../../src/etag/etag.ts";
import { testBytes } from "../conformance/officialSdk.ts";
import { b64, formUpload, manage, token } from "./helpers.ts";

let emulator: Emulator;
const content = testBytes(10_000, 9);

beforeAll(async () => {
  emulator = await startEmulator({ buckets: ["pub", { name: "priv", private: true }] });
  for (const bucket of ["pub", "priv"]) {
    const upload = await token(emulator, { scope: bucket });
    await formUpload(
      emulator,
      { token: upload, key: "dir/file name.bin" },
      { bytes: content, type: "application/x-demo" },
    );
    await formUpload(emulator, { token: upload, key: "naïve.txt" }, { bytes: "accents" });
  }
});

afterAll(async () => {
  await emulator.stop();
});

const url = (bucket: string, key: string) => `${emulator.url}/${bucket}/${encodeURI(key)}`;

describe("downloads", () => {
  it("serves the stored bytes, Content-Type, ETag and Last-Modified", async () => {
    const response = await fetch(url("pub", "dir/file name.bin"));
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(content);
    expect(response.headers.get("content-type")).toBe("application/x-demo");
    expect(response.headers.get("etag")).toBe(`"${await etag(content)}"`);
    expect(response.headers.get("content-length")).toBe("10000");
    expect(response.headers.get("x-reqid")).toBeTruthy();
    expect(Date.parse(response.headers.get("last-modified")!)).toBeGreaterThan(Date.now() - 60_000);
    expect(await (await fetch(url("pub", "naïve.txt"))).text()).toBe("accents");
  });

  it("answers a Range with 206, a suffix range, and 416 past the end", async () => {
    const part = await fetch(url("pub", "dir/file name.bin"), {
      headers: { Range: "bytes=100-199" },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 100-199/10000");
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(content.subarray(100, 200));

    const tail = await fetch(url("pub", "dir/file name.bin"), { headers: { Range: "bytes=-10" } });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(content.subarray(9990));
    const open = await fetch(url("pub", "dir/file name.bin"), {
      headers: { Range: "bytes=9999-" },
    });
    expect((await open.arrayBuffer()).byteLength).toBe(1);

    const past = await fetch(url("pub", "dir/file name.bin"), {
      headers: { Range: "bytes=10000-" },
    });
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe("bytes */10000");
  });

  it("names the download with attname, answers HEAD and If-None-Match", async () => {
    const named = await fetch(
      `${url("pub", "naïve.txt")}?attname=${encodeURIComponent("rapport final.txt")}`,
    );
    expect(named.headers.get("content-disposition")).toBe(
      'attachment; filename="rapport final.txt"',
    );
    const accented = encodeURIComponent("été.txt");
    const utf8 = await fetch(`${url("pub", "naïve.txt")}?attname=${accented}`);
    expect(utf8.headers.get("content-disposition")).toContain("filename*=UTF-8''%C3%A9t%C3%A9.txt");

    const head = await fetch(url("pub", "dir/file name.bin"), { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("10000");
    const tag = head.headers.get("etag")!;
    expect(
      (await fetch(url("pub", "dir/file name.bin"), { headers: { "If-None-Match": tag } })).status,
    ).toBe(304);
  });

  it("answers 404 for a missing key and 403 for a disabled object", async () => {
    const missing = await fetch(url("pub", "nothing"));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "Document not found" });

    await manage(emulator, `/chstatus/${b64("pub:naïve.txt")}/status/1`);
    expect((await fetch(url("pub", "naïve.txt"))).status).toBe(403);
    await manage(emulator, `/chstatus/${b64("pub:naïve.txt")}/status/0`);
  });

  it("serves metadata headers and the x-qn-meta-! header overrides", async () => {
    const owner = `x-qn-meta-owner/${b64("kit")}`;
    const cache = `x-qn-meta-!Cache-Control/${b64("max-age=60")}`;
    const path = `/chgm/${b64("pub:naïve.txt")}/${owner}/${cache}`;
    expect((await manage(emulator, path)).status).toBe(200);
    const response = await fetch(url("pub", "naïve.txt"));
    expect(response.headers.get("x-qn-meta-owner")).toBe("kit");
    expect(response.headers.get("cache-control")).toBe("max-age=60");
  });

  it("checks e and token on private buckets", async () => {
    const base = url("priv", "dir/file name.bin");
    expect((await fetch(base)).status).toBe(401);
    const signed = await signDownloadUrl(emulator, base, Date.now() / 1000 + 60);
    const ok = await fetch(signed);
    expect(ok.status).toBe(200);
    expect(new Uint8Array(await ok.arrayBuffer())).toEqual(content);

    const withAttname = await signDownloadUrl(
      emulator,
      `${base}?attname=x.bin`,
      Date.now() / 1000 + 60,
    );
    expect((await fetch(withAttname)).headers.get("content-disposition")).toContain("x.bin");
    const expired = await signDownloadUrl(emulator, base, Date.now() / 1000 - 60);
    expect((await fetch(expired)).status).toBe(401);
    const otherKey = await signDownloadUrl(
      { accessKey: emulator.accessKey, secretKey: "x" },
      base,
      Date.now() / 1000 + 60,
    );
    expect((await fetch(otherKey)).status).toBe(401);
    const moved = signed.replace("/dir/", "/dir//");
    expect((await fetch(moved)).status).toBe(401);
  });
});
