import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { isKodoError } from "../../src/errors.ts";
import { createEtagHasher } from "../../src/etag/createEtagHasher.ts";
import { etagText as etag } from "../../src/etag/etag.ts";
import { etagDigest } from "../../src/etag/etagDigest.ts";
import { etagFromParts } from "../../src/etag/etagFromParts.ts";
import { etagV2Text as etagV2 } from "../../src/etag/etagV2.ts";
import { vectorInput } from "../helpers/vectors.ts";

interface KnownAnswers {
  etagV1: { input: string; want: string }[];
  etagV2: { parts: string[]; want: string }[];
}

const known: KnownAnswers = JSON.parse(
  readFileSync(new URL("../fixtures/known-answers.json", import.meta.url), "utf8"),
);

const MiB = 1024 * 1024;
const BLOCK = 4 * MiB;
const EMPTY_ETAG = "Fto5o-5ea0sNMlW_75VgGJCv2AcJ";

// An independent etag, one thread, with node:crypto: 0x16 + SHA-1 for one block, else 0x96 +
// SHA-1 of the block SHA-1s.
function sha1(bytes: Uint8Array): Buffer {
  return createHash("sha1").update(bytes).digest();
}

function referenceRaw(bytes: Uint8Array): Buffer {
  const hashes: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += BLOCK) {
    hashes.push(sha1(bytes.subarray(offset, offset + BLOCK)));
  }
  if (hashes.length <= 1)
    return Buffer.concat([Buffer.of(0x16), hashes[0] ?? sha1(new Uint8Array(0))]);
  return Buffer.concat([Buffer.of(0x96), sha1(Buffer.concat(hashes))]);
}

function referenceEtag(bytes: Uint8Array): string {
  return referenceRaw(bytes).toString("base64url");
}

function referenceEtagV2(parts: Uint8Array[]): string {
  const hashes = Buffer.concat(parts.map((part) => referenceRaw(part).subarray(1)));
  return Buffer.concat([Buffer.of(0x9e), sha1(hashes)]).toString("base64url");
}

// A seeded generator, so that every run sees the same "random" data and chunk sizes.
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

function randomBytes(size: number, seed: number): Uint8Array<ArrayBuffer> {
  const next = random(seed);
  const bytes = new Uint8Array(size);
  const words = new Uint32Array(bytes.buffer, 0, size >>> 2);
  for (let i = 0; i < words.length; i++) words[i] = next() * 2 ** 32;
  for (let i = words.length * 4; i < size; i++) bytes[i] = next() * 256;
  return bytes;
}

/** Cuts bytes into chunks whose sizes cycle through `sizes`. */
function* chunksOf(bytes: Uint8Array, sizes: number[]): Generator<Uint8Array> {
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield bytes.slice(offset, offset + size);
    offset += size;
  }
}

/** Cuts bytes into chunks of random sizes, some empty, some larger than a block. */
function* randomChunks(bytes: Uint8Array, seed: number): Generator<Uint8Array> {
  const next = random(seed);
  let offset = 0;
  while (offset < bytes.length) {
    const pick = next();
    const size =
      pick < 0.1 ? 0 : pick < 0.6 ? Math.floor(next() * 70_000) : Math.floor(next() * 6 * MiB);
    yield bytes.slice(offset, offset + size);
    offset += size;
  }
}

const ODD_SIZES = [1, 7, 65_537, BLOCK - 1, 3, MiB + 3];

function streamOf(chunks: Iterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.iterator]();
  return new ReadableStream({
    pull(controller) {
      const step = iterator.next();
      if (step.done) controller.close();
      else controller.enqueue(step.value);
    },
  });
}

async function* asyncChunks(chunks: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) {
    await Promise.resolve();
    yield chunk;
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

async function expectKodoError(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await rejection(promise);
  expect(isKodoError(error)).toBe(true);
  expect((error as { code: string }).code).toBe(code);
}

describe("etag", () => {
  it.each(known.etagV1)("gives the published etag of $input", async ({ input, want }) => {
    expect(await etag(vectorInput(input))).toBe(want);
  });

  it.each(["empty", "ascii:etag", "zeros-then-0(4194305)", "rust-pattern(9437184)"])(
    "gives the same etag of %s for every kind of body",
    async (input) => {
      const bytes = vectorInput(input);
      const want = known.etagV1.find((vector) => vector.input === input)!.want;
      const copy = () => bytes.slice();
      const bodies = {
        uint8Array: copy(),
        buffer: Buffer.from(copy()),
        subarray: new Uint8Array([9, ...bytes.subarray(0, 100), 9]).subarray(
          1,
          1 + Math.min(100, bytes.length),
        ),
        arrayBuffer: copy().buffer,
        blob: new Blob([copy()], { type: "text/plain" }),
        string: new TextDecoder().decode(bytes),
        stream: streamOf(chunksOf(bytes, ODD_SIZES)),
        blobStream: new Blob([copy()]).stream(),
        asyncIterable: asyncChunks(randomChunks(bytes, 7)),
        nodeReadable: Readable.from(chunksOf(Buffer.from(bytes), [65_536, 1_000_003])),
      };
      for (const [kind, body] of Object.entries(bodies)) {
        const expected = kind === "subarray" ? referenceEtag(bytes.subarray(0, 100)) : want;
        expect({ kind, etag: await etag(body) }).toEqual({ kind, etag: expected });
      }
    },
  );

  it("matches an independent computation on random data around block boundaries", async () => {
    const sizes = [1, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK, 3 * BLOCK + 12_345];
    for (const [i, size] of sizes.entries()) {
      const bytes = randomBytes(size, i + 1);
      const want = referenceEtag(bytes);
      expect(await etag(bytes)).toBe(want);
      expect(await etag(streamOf(randomChunks(bytes, i + 100)))).toBe(want);
    }
  });

  it("gives the same etag whatever the concurrency", async () => {
    const bytes = randomBytes(5 * BLOCK + 17, 42);
    const want = referenceEtag(bytes);
    for (const concurrency of [1, 2, 3, 16]) {
      expect(await etag(bytes, { concurrency })).toBe(want);
      expect(await etag(asyncChunks(chunksOf(bytes, [MiB + 1])), { concurrency })).toBe(want);
    }
  });

  it("rejects a concurrency out of range with invalid_input", async () => {
    for (const concurrency of [0, 17, 1.5, Number.NaN]) {
      await expectKodoError(etag("x", { concurrency }), "invalid_input");
    }
  });

  it("rejects a body of another type with invalid_input", async () => {
    await expectKodoError(etag(42 as never), "invalid_input");
    await expectKodoError(etag(null as never), "invalid_input");
    await expectKodoError(etag({} as never), "invalid_input");
  });

  it("rejects a stream chunk that is not bytes and cancels the stream", async () => {
    let cancelled: unknown;
    const stream = new ReadableStream({
      pull(controller) {
        controller.enqueue({ not: "bytes" });
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    await expectKodoError(etag(stream as ReadableStream<Uint8Array>), "invalid_input");
    expect(isKodoError(cancelled)).toBe(true);
  });

  it("rejects with the stream's own error when the stream fails", async () => {
    const failure = new Error("disk gone");
    let sent = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) controller.error(failure);
        else controller.enqueue(new Uint8Array(10));
        sent = true;
      },
    });
    expect(await rejection(etag(stream))).toBe(failure);
  });

  it("rejects with aborted when the signal has already fired", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    const error = await rejection(etag("data", { signal: controller.signal }));
    expect(isKodoError(error) && error.code).toBe("aborted");
    expect((error as Error).cause).toEqual(new Error("stop"));
  });

  it("stops hashing bytes in memory when aborted midway", async () => {
    const controller = new AbortController();
    const pending = etag(new Uint8Array(16 * BLOCK), { signal: controller.signal, concurrency: 1 });
    controller.abort();
    await expectKodoError(pending, "aborted");
  });

  it("cancels a stream that never ends when aborted", async () => {
    const controller = new AbortController();
    let cancelled = false;
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        pulls++;
        if (pulls === 1) {
          c.enqueue(new Uint8Array(100));
          return;
        }
        // The source stalls; only an abort can end the read.
        setTimeout(() => controller.abort(), 5);
        return new Promise(() => {});
      },
      cancel() {
        cancelled = true;
      },
    });
    await expectKodoError(etag(stream, { signal: controller.signal }), "aborted");
    expect(cancelled).toBe(true);
  });

  it("stops reading an async iterable that stalls when aborted", async () => {
    const controller = new AbortController();
    async function* stalled(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(10);
      setTimeout(() => controller.abort(), 5);
      await new Promise(() => {});
    }
    await expectKodoError(etag(stalled(), { signal: controller.signal }), "aborted");
  });

  it("reads a Blob lazily and counts its bytes", async () => {
    const bytes = randomBytes(2 * BLOCK + 5, 3);
    const result = await etagDigest(new Blob([bytes.subarray(0, BLOCK), bytes.subarray(BLOCK)]));
    expect(result.size).toBe(bytes.length);
    expect(Buffer.from(result.digest).toString("base64url")).toBe(referenceEtag(bytes));
  });
});

describe("createEtagHasher", () => {
  it("matches an independent computation when fed chunks of random sizes", async () => {
    for (const seed of [1, 2, 3]) {
      const bytes = randomBytes(3 * BLOCK + seed * 999_999, seed);
      const hasher = createEtagHasher();
      for (const chunk of randomChunks(bytes, seed)) await hasher.update(chunk);
      expect(hasher.size).toBe(bytes.length);
      expect(await hasher.etag()).toBe(referenceEtag(bytes));
    }
  });

  it("gives the published etags", async () => {
    for (const { input, want } of known.etagV1) {
      const hasher = createEtagHasher({ concurrency: 3 });
      for (const chunk of chunksOf(vectorInput(input), ODD_SIZES)) await hasher.update(chunk);
      expect(await hasher.etag()).toBe(want);
    }
  });

  it("lets the caller reuse its buffer once update resolves", async () => {
    const bytes = randomBytes(2 * BLOCK + 321, 9);
    const scratch = new Uint8Array(1_000_003);
    const hasher = createEtagHasher();
    for (let offset = 0; offset < bytes.length; offset += scratch.length) {
      const piece = bytes.subarray(offset, offset + scratch.length);
      scratch.set(piece);
      await hasher.update(scratch.subarray(0, piece.length));
      scratch.fill(0xee);
    }
    expect(await hasher.etag()).toBe(referenceEtag(bytes));
  });

  it("keeps the order of updates that are not awaited", async () => {
    const bytes = randomBytes(3 * BLOCK + 77, 11);
    const hasher = createEtagHasher({ concurrency: 1 });
    const updates = [...randomChunks(bytes, 5)].map((chunk) => hasher.update(chunk));
    const hash = await hasher.etag();
    await Promise.all(updates);
    expect(hash).toBe(referenceEtag(bytes));
  });

  it("returns the raw 21-byte form and the same value on every call", async () => {
    const hasher = createEtagHasher();
    await hasher.update(new TextEncoder().encode("etag"));
    const first = await hasher.digest();
    first.fill(0);
    const second = await hasher.digest();
    expect(second).toHaveLength(21);
    expect(second[0]).toBe(0x16);
    expect(Buffer.from(second).toString("base64url")).toBe("FpLiADEaVoALPkdb8tJEJyRTXoe_");
    expect(await hasher.etag()).toBe("FpLiADEaVoALPkdb8tJEJyRTXoe_");
  });

  it("gives the etag of no data when nothing was fed", async () => {
    expect(await createEtagHasher().etag()).toBe(EMPTY_ETAG);
  });

  it("rejects an update after the digest and a chunk that is not bytes", async () => {
    const hasher = createEtagHasher();
    await hasher.digest();
    await expectKodoError(hasher.update(new Uint8Array(1)), "invalid_input");
    await expectKodoError(createEtagHasher().update(5 as never), "invalid_input");
  });
});

describe("etagV2", () => {
  it.each(known.etagV2)("gives the published etag of parts $parts", async ({ parts, want }) => {
    expect(await etagV2(parts.map(vectorInput))).toBe(want);
  });

  it("accepts every kind of body as a part", async () => {
    const parts = known.etagV2[2]!.parts.map(vectorInput);
    const mixed = [new Blob([parts[0]!]), streamOf(chunksOf(parts[1]!, ODD_SIZES))];
    expect(await etagV2(mixed)).toBe(known.etagV2[2]!.want);
    expect(
      await etagV2(["hello", asyncChunks(["world"].map((s) => new TextEncoder().encode(s)))]),
    ).toBe(known.etagV2[0]!.want);
  });

  it("matches an independent computation for parts of other sizes", async () => {
    const layouts = [[MiB + 3, 5 * MiB, 0, 7], [9 * MiB], [BLOCK, BLOCK + 1], [BLOCK, 0, BLOCK]];
    for (const [i, layout] of layouts.entries()) {
      const parts = layout.map((size, j) => randomBytes(size, 10 * i + j + 1));
      expect(await etagV2(parts)).toBe(referenceEtagV2(parts));
    }
  });

  it("gives the v1 etag of the whole when the parts are 4 MiB blocks", async () => {
    const whole = randomBytes(2 * BLOCK + 1000, 21);
    const parts = [
      whole.subarray(0, BLOCK),
      whole.subarray(BLOCK, 2 * BLOCK),
      whole.subarray(2 * BLOCK),
    ];
    expect(await etagV2(parts)).toBe(referenceEtag(whole));
    expect(await etagV2([whole.subarray(0, BLOCK), ""])).toBe(
      referenceEtag(whole.subarray(0, BLOCK)),
    );
    expect(await etagV2([])).toBe(EMPTY_ETAG);
    expect(await etagV2([""])).toBe(EMPTY_ETAG);
  });

  it("rejects a string given as the list of parts", async () => {
    await expectKodoError(etagV2("hello" as never), "invalid_input");
  });
});

describe("etagFromParts", () => {
  it.each(known.etagV2)("combines the digests of parts $parts", async ({ parts, want }) => {
    const digests = await Promise.all(parts.map((part) => etagDigest(vectorInput(part))));
    expect(
      await etagFromParts(
        digests.map((d) => d.digest),
        digests.map((d) => d.size),
      ),
    ).toBe(want);
  });

  it("rejects digests and sizes that do not fit together", async () => {
    const small = (await etagDigest("hello")).digest;
    const large = (await etagDigest(new Uint8Array(BLOCK + 1))).digest;
    await expectKodoError(etagFromParts([small], []), "invalid_input");
    await expectKodoError(etagFromParts([small.subarray(1)], [5]), "invalid_input");
    await expectKodoError(etagFromParts([large], [5]), "invalid_input");
    await expectKodoError(etagFromParts([small], [BLOCK + 1]), "invalid_input");
    await expectKodoError(etagFromParts([small], [-1]), "invalid_input");
    await expectKodoError(etagFromParts([small], [0.5]), "invalid_input");
  });
});

describe("etag and etagV2, the public functions", () => {
  it("resolve to a Result holding the etag", async () => {
    const { etag: publicEtag } = await import("../../src/etag/etag.ts");
    const { etagV2: publicEtagV2 } = await import("../../src/etag/etagV2.ts");
    expect(await publicEtag("etag")).toEqual({ ok: true, data: "FpLiADEaVoALPkdb8tJEJyRTXoe_" });
    expect(await publicEtagV2(["hello", "world"])).toEqual({
      ok: true,
      data: "ns56DcSIfBFUENXjdhsJTIvl3Rcu",
    });
  });

  it("resolve to invalid_input, aborted or source_error instead of rejecting", async () => {
    const { etag: publicEtag } = await import("../../src/etag/etag.ts");
    const { etagV2: publicEtagV2 } = await import("../../src/etag/etagV2.ts");
    expect((await publicEtag(42 as never)).error?.code).toBe("invalid_input");
    expect((await publicEtagV2("not parts" as never)).error?.code).toBe("invalid_input");
    expect((await publicEtag("x", { signal: AbortSignal.abort() })).error?.code).toBe("aborted");
    const failing = new ReadableStream<Uint8Array>({
      pull: () => Promise.reject(new Error("disk gone")),
    });
    const broken = await publicEtag(failing);
    expect(broken.error?.code).toBe("source_error");
    expect(broken.error?.message).toContain("disk gone");
  });
});

describe("etagFile", () => {
  async function withFiles(run: (dir: string) => Promise<void>): Promise<void> {
    const { mkdtemp, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = await mkdtemp(join(tmpdir(), "qiniu-kit-etag-"));
    try {
      await run(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it("gives the etag of a file's bytes, around block boundaries", async () => {
    const { etagFile } = await import("../../src/etag/etagFile.ts");
    const { writeFile } = await import("node:fs/promises");
    const { join } = await import("node:path");
    await withFiles(async (dir) => {
      for (const [i, size] of [0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 5].entries()) {
        const bytes = randomBytes(size, 300 + i);
        const path = join(dir, `file-${size}`);
        await writeFile(path, bytes);
        expect(await etagFile(path)).toEqual({ ok: true, data: referenceEtag(bytes) });
        expect((await etagFile(path, { concurrency: 1 })).data).toBe(referenceEtag(bytes));
      }
      expect((await etagFile(join(dir, "file-0"))).data).toBe(EMPTY_ETAG);
    });
  });

  it("resolves to invalid_input, aborted or source_error instead of rejecting", async () => {
    const { etagFile } = await import("../../src/etag/etagFile.ts");
    const { writeFile } = await import("node:fs/promises");
    const { join } = await import("node:path");
    await withFiles(async (dir) => {
      const path = join(dir, "some");
      await writeFile(path, "some bytes");
      expect((await etagFile(dir)).error?.code).toBe("invalid_input");
      expect((await etagFile("")).error?.code).toBe("invalid_input");
      expect((await etagFile(42 as never)).error?.code).toBe("invalid_input");
      expect((await etagFile(path, { concurrency: 0 })).error?.code).toBe("invalid_input");
      expect((await etagFile(path, { signal: AbortSignal.abort() })).error?.code).toBe("aborted");
      const missing = await etagFile(join(dir, "missing"));
      expect(missing.error?.code).toBe("source_error");
      expect(missing.error?.message).toContain("ENOENT");
    });
  });

  it("gives invalid_input where there is no file system", async () => {
    const { etagFile } = await import("../../src/etag/etagFile.unsupported.ts");
    const result = await etagFile("./cat.jpg");
    expect(result.error?.code).toBe("invalid_input");
    expect(result.error?.message).toContain("use etag with a File");
  });
});
