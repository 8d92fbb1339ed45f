import { describe, expect, it } from "vitest";

describe("partDigest", () => {
  it("gives the same etag with a source's own SHA-1 as through Web Crypto", async () => {
    const { createHash } = await import("node:crypto");
    const { partDigest } = await import("../../src/upload/partDigest.ts");
    const { etagDigest } = await import("../../src/etag/etagDigest.ts");
    const native = (bytes: Uint8Array) => new Uint8Array(createHash("sha1").update(bytes).digest());
    const plain = { size: undefined, read: async () => new Uint8Array(0), close: async () => {} };
    const BLOCK = 4 * 1024 * 1024;
    for (const size of [1, 1000, BLOCK, BLOCK + 1, 2 * BLOCK + 7]) {
      const bytes = new Uint8Array(size).map((_, i) => (i * 31 + size) & 0xff);
      const want = await etagDigest(bytes);
      expect(await partDigest({ ...plain, sha1: native }, bytes), `size ${size}`).toEqual(want);
      expect(await partDigest(plain, bytes), `size ${size}`).toEqual(want);
    }
  });
});
