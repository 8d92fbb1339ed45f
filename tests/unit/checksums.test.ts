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
