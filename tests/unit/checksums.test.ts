import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import zlib from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc32 } from "../../src/checksums/crc32.ts";
import { createMd5, md5Hex } from "../../src/checksums/md5.ts";
import { isKodoError } from "../../src/errors.ts";
import { vectorInput } from "../helpers/vectors.ts";

interface KnownAnswers {
  checksums: { what: string; input: string; want: string }[];
}

const known: KnownAnswers = JSON.parse(
  readFileSync(new URL("../fixtures/known-answers.json", import.meta.url), "utf8"),
);
const crcVectors = known.checksums.filter((vector) => vector.what.startsWith("crc32"));
const md5Vectors = known.checksums.filter((vector) => vector.what.startsWith("md5"));

// zlib.crc32 arrived in Node 20.15; older Nodes check against the known values only.
const zlibCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

function nodeMd5(bytes: Uint8Array | string): string {
  return createHash("md5").update(bytes).digest("hex");
}

/** Sizes around the 8-byte step of the CRC and the 64-byte block and padding of MD5. */
const SIZES = [
  ...Array.from({ length: 140 }, (_, i) => i),
  1000,
  4096 + 3,
  65_536 + 7,
  (1 << 20) + 13,
];

describe("crc32", () => {
  it.each(crcVectors)("gives the published checksum of $input", ({ input, want }) => {
    expect(String(crc32(vectorInput(input)))).toBe(want);
  });

  it("gives the standard check value and takes strings as UTF-8", () => {
    expect(crc32("123456789")).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32("中文")).toBe(crc32(new TextEncoder().encode("中文")));
  });

  it("returns an unsigned 32-bit number", () => {
    const values = SIZES.map((size) => crc32(randomBytes(size)));
    expect(values.some((value) => value > 0x7fffffff)).toBe(true);
    for (const value of values) expect(value >>> 0).toBe(value);
  });

  it.skipIf(zlibCrc32 === undefined)("matches zlib on random data of many sizes", () => {
    for (const size of SIZES) {
      const bytes = randomBytes(size);
      expect({ size, crc: crc32(bytes) }).toEqual({ size, crc: zlibCrc32!(bytes) });
    }
  });

  it("continues a running checksum across any split", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (bytes, at) => {
        const cut = Math.min(at, bytes.length);
        const whole = crc32(bytes);
        expect(crc32(bytes.subarray(cut), crc32(bytes.subarray(0, cut)))).toBe(whole);
        if (zlibCrc32 !== undefined) expect(whole).toBe(zlibCrc32(bytes));
      }),
    );
  });

  it("reads a view at its own offset", () => {
    const bytes = randomBytes(1001);
    expect(crc32(bytes.subarray(3, 998))).toBe(crc32(Uint8Array.from(bytes.subarray(3, 998))));
  });
});

describe("md5Hex", () => {
  it.each(md5Vectors)("gives the published digest of $input", ({ input, want }) => {
    expect(md5Hex(vectorInput(input))).toBe(want);
  });

  it("gives the digests of the RFC 1321 test suite", () => {
    const suite: [string, string][] = [
      ["", "d41d8cd98f00b204e9800998ecf8427e"],
      ["a", "0cc175b9c0f1b6a831c399e269772661"],
      ["abc", "900150983cd24fb0d6963f7d28e17f72"],
      ["message digest", "f96b697d7cb7938d525a2f31aaf161d0"],
      ["abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"],
      [
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "d174ab98d277d9f5a5611c2c9f419d9f",
      ],
      ["1234567890".repeat(8), "57edf4a22be3c955ac49da2e2107b67a"],
    ];
    for (const [input, want] of suite) expect(md5Hex(input)).toBe(want);
  });

  it("matches node:crypto on random data of many sizes", () => {
    for (const size of SIZES) {
      const bytes = randomBytes(size);
      expect({ size, md5: md5Hex(bytes) }).toEqual({ size, md5: nodeMd5(bytes) });
    }
  });

  it("hashes strings as UTF-8", () => {
    expect(md5Hex("中文 ✓")).toBe(nodeMd5("中文 ✓"));
  });
});

describe("createMd5", () => {
  it("gives the same digest whatever the pieces the message comes in", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.nat(600), { maxLength: 8 }),
        (bytes, cuts) => {
          const md5 = createMd5();
          const points = [...cuts.map((cut) => Math.min(cut, bytes.length)), bytes.length].sort(
            (a, b) => a - b,
          );
          let start = 0;
          for (const point of points) {
            md5.update(bytes.subarray(start, point));
            start = point;
          }
          expect(md5.hex()).toBe(nodeMd5(bytes));
        },
      ),
    );
  });

  it("hashes a large message fed in uneven chunks", () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 5);
    const md5 = createMd5();
    for (
      let offset = 0, step = 1;
      offset < bytes.length;
      offset += step, step = (step * 7 + 3) % 100_003
    ) {
      md5.update(bytes.subarray(offset, offset + step));
    }
    expect(md5.hex()).toBe(nodeMd5(bytes));
    expect(Buffer.from(md5.digest()).toString("hex")).toBe(nodeMd5(bytes));
  });

  it("returns the same digest on every call and refuses more data after it", () => {
    const md5 = createMd5().update("hel").update("lo");
    const digest = md5.digest();
    digest.fill(0);
    expect(md5.hex()).toBe("5d41402abc4b2a76b9719d911017c592");
    expect(md5.hex()).toBe("5d41402abc4b2a76b9719d911017c592");
    let thrown: unknown;
    try {
      md5.update("more");
    } catch (error) {
      thrown = error;
    }
    expect(isKodoError(thrown) && thrown.code).toBe("invalid_input");
  });
});

describe("sha1Sync, sha1 and hmacSha1", () => {
  it("gives node:crypto's SHA-1 around the 64-byte block and its padding", async () => {
    const { sha1Sync } = await import("../../src/checksums/sha1.ts");
    for (const size of [...SIZES, 4096, 65_537]) {
      const bytes = randomBytes(size);
      const want = createHash("sha1").update(bytes).digest("hex");
      expect(Buffer.from(sha1Sync(bytes)).toString("hex"), `size ${size}`).toBe(want);
    }
    const abc = Buffer.from(sha1Sync(new TextEncoder().encode("abc"))).toString("hex");
    expect(abc).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
  });

  it("gives the same SHA-1 through its short and its Web Crypto path", async () => {
    const { sha1 } = await import("../../src/auth/crypto.ts");
    for (const size of [0, 1, 16 * 1024, 16 * 1024 + 1, 100_000]) {
      const bytes = randomBytes(size);
      const want = createHash("sha1").update(bytes).digest("hex");
      expect(Buffer.from(await sha1(bytes)).toString("hex"), `size ${size}`).toBe(want);
    }
  });

  // The Web Crypto one is what browsers and workers run; the plain one, the build for Node.
  for (const variant of ["hmacSha1.ts", "hmacSha1.plain.ts"]) {
    it(`gives node:crypto's HMAC-SHA1 for any key and message (${variant})`, async () => {
      const { createHmac } = await import("node:crypto");
      const { hmacSha1 } = (await import(
        `../../src/auth/${variant}`
      )) as typeof import("../../src/auth/hmacSha1.ts");
      await fc.assert(
        fc.asyncProperty(
          fc.string({ minLength: 1, maxLength: 150 }),
          fc.uint8Array({ maxLength: 300 }),
          async (secret, data) => {
            const want = createHmac("sha1", Buffer.from(secret, "utf8")).update(data).digest("hex");
            expect(Buffer.from(await hmacSha1(secret, data)).toString("hex")).toBe(want);
          },
        ),
        { numRuns: 300 },
      );
      // RFC 2202's test case 2, and a key longer than a block (hashed first).
      const jefe = await hmacSha1("Jefe", "what do ya want for nothing?");
      expect(Buffer.from(jefe).toString("hex")).toBe("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
      const long = await hmacSha1(
        "x".repeat(80),
        "Test Using Larger Than Block-Size Key - Hash Key First",
      );
      const longWant = createHmac("sha1", "x".repeat(80))
        .update("Test Using Larger Than Block-Size Key - Hash Key First")
        .digest("hex");
      expect(Buffer.from(long).toString("hex")).toBe(longWant);
    });
  }
});
