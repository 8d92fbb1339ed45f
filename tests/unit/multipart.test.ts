import { createRequire } from "node:module";
import { Readable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MultipartResult } from "../../src/emulator/multipart.ts";
import { parseMultipart } from "../../src/emulator/multipart.ts";

const encoder = new TextEncoder();
const bytesOf = (text: string) => encoder.encode(text);

/** A body encoded by the platform's own FormData, with its content type. */
async function encode(form: FormData): Promise<{ body: Uint8Array; contentType: string }> {
  const request = new Request("http://localhost/", { method: "POST", body: form });
  const contentType = request.headers.get("content-type") ?? "";
  return { body: new Uint8Array(await request.arrayBuffer()), contentType };
}

/** A small seeded generator, so that a failing split can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The body in chunks of the given sizes (the last size repeats). */
async function* chunked(body: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  let index = 0;
  while (at < body.length) {
    const size = sizes[Math.min(index, sizes.length - 1)] ?? body.length;
    yield body.slice(at, at + size);
    at += size;
    index += 1;
  }
}

/** Random chunk sizes of 1 to 97 bytes, enough to cover `length` bytes. */
function randomSizes(length: number, seed: number): number[] {
  const random = seeded(seed);
  const sizes: number[] = [];
  for (let total = 0; total < length; total += sizes[sizes.length - 1]!) {
    sizes.push(1 + Math.floor(random() * 97));
  }
  return sizes;
}

/** A Web stream as an async iterable, read with a reader as a server would. */
async function* streamed(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

/** Parses a body in one chunk, in random small chunks and byte by byte; all must agree. */
async function parseEveryWay(body: Uint8Array, contentType: string): Promise<MultipartResult> {
  const whole = await parseMultipart(chunked(body, [body.length || 1]), contentType);
  for (const seed of [1, 2, 3]) {
    const split = await parseMultipart(chunked(body, randomSizes(body.length, seed)), contentType);
    expect(split).toEqual(whole);
  }
  const bytewise = await parseMultipart(chunked(body, [1]), contentType);
  expect(bytewise).toEqual(whole);
  return whole;
}

/** Parses a hand-written body whose lines are joined with CRLF. */
function parseLines(lines: string[], boundary = "b0undary"): Promise<MultipartResult> {
  const body = bytesOf(lines.join("\r\n"));
  return parseEveryWay(body, `multipart/form-data; boundary=${boundary}`);
}

/** The index of the first byte where two arrays differ, or -1 when they are equal. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : length;
}

describe("parseMultipart", () => {
  it("reads fields before and after the file from a platform FormData body", async () => {
    const form = new FormData();
    form.append("token", "ak:sig:policy");
    form.append("key", "photos/cat.jpg");
    form.append("x:foo", "bar");
    form.append("x-qn-meta-owner", "me");
    form.append("file", new File([bytesOf("meow")], "cat.jpg", { type: "image/jpeg" }));
    form.append("crc32", "907060870");
    const { body, contentType } = await encode(form);

    expect(await parseEveryWay(body, contentType)).toEqual({
      ok: true,
      form: {
        fields: [
          ["token", "ak:sig:policy"],
          ["key", "photos/cat.jpg"],
          ["x:foo", "bar"],
          ["x-qn-meta-owner", "me"],
          ["crc32", "907060870"],
        ],
        file: { filename: "cat.jpg", contentType: "image/jpeg", bytes: bytesOf("meow") },
      },
    });
  });

  it("reads the body straight from a Request stream", async () => {
    const form = new FormData();
    form.append("file", new File([bytesOf("abc")], "a.txt"));
    form.append("crc32", "1");
    const request = new Request("http://localhost/", { method: "POST", body: form });
    const result = await parseMultipart(
      streamed(request.body!),
      request.headers.get("content-type")!,
    );

    expect(result).toEqual({
      ok: true,
      form: {
        fields: [["crc32", "1"]],
        file: { filename: "a.txt", contentType: "application/octet-stream", bytes: bytesOf("abc") },
      },
    });
  });

  it("turns %22, %0D and %0A in names back into quote, CR and LF", async () => {
    const form = new FormData();
    form.append('x:a"b\r\nc', "v");
    form.append("file", new File([bytesOf("1")], 'my "cat"\r\n名前.txt', { type: "text/plain" }));
    const { body, contentType } = await encode(form);
    const result = await parseEveryWay(body, contentType);

    expect(result.ok && result.form.fields).toEqual([['x:a"b\r\nc', "v"]]);
    expect(result.ok && result.form.file?.filename).toBe('my "cat"\r\n名前.txt');
  });

  it("keeps file bytes that contain CRLF, dashes and partial delimiters", async () => {
    const boundary = "XyZ-42";
    const content = [
      "\r\n",
      "\r\n--",
      "\r\n--XyZ-4",
      "--XyZ-42",
      "\r--XyZ-42",
      "\n--XyZ-42",
      "\r\n-XyZ-42",
      "\r\r\n--XyZ-4\r\n--XyZ-",
      "\r",
    ];
    const file = content.join("");
    const lines = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="file"; filename="x.bin"',
      "",
      file,
      `--${boundary}--`,
    ];
    const result = await parseLines(lines, boundary);

    expect(result).toEqual({
      ok: true,
      form: {
        fields: [],
        file: { filename: "x.bin", contentType: "application/octet-stream", bytes: bytesOf(file) },
      },
    });
  });

  it("keeps every byte value of a binary file", async () => {
    const all = new Uint8Array(256 * 4).map((_, i) => i % 256);
    const form = new FormData();
    form.append("file", new Blob([all]), "all.bin");
    const { body, contentType } = await encode(form);
    const result = await parseEveryWay(body, contentType);

    expect(result.ok && result.form.file?.bytes).toEqual(all);
  });

  it("parses a 20 MiB file part in large and in small chunks", async () => {
    // Lines that end in CRLF and partial delimiters of the platform's boundary, over and over.
    const size = 20 * 1024 * 1024;
    const file = new Uint8Array(size);
    const pattern = bytesOf("line of text\r\n------formdata-undici-0\r\n--\r\r\n\u00ff\u0000");
    for (let at = 0; at < size; at += pattern.length) file.set(pattern.subarray(0, size - at), at);
    const form = new FormData();
    form.append("token", "t");
    form.append("file", new Blob([file], { type: "video/mp4" }), "big.mp4");
    form.append("crc32", "42");
    const { body, contentType } = await encode(form);

    for (const sizes of [[body.length], [65_536], randomSizes(body.length, 7)]) {
      const result = await parseMultipart(chunked(body, sizes), contentType);
      if (!result.ok) throw new Error(result.message);
      expect(result.form.fields).toEqual([
        ["token", "t"],
        ["crc32", "42"],
      ]);
      expect(result.form.file?.contentType).toBe("video/mp4");
      expect(firstDifference(result.form.file!.bytes, file)).toBe(-1);
    }
  });

  it("reads the form the official Node SDK builds, with crc32 after the file", async () => {
    // The SDK builds its form with formstream and adds crc32 once the file stream has ended.
    const require = createRequire(import.meta.url);
    const FormStream = require("formstream") as new () => FormStreamLike;
    const form = new FormStream();
    form.field("token", "ak:sig:policy");
    form.field("key", "a.txt");
    const file = Readable.from([Buffer.from("hello\r\n"), Buffer.from("world")]);
    form.stream("file", file, "my%22file%0A.txt", "text/plain");
    form.field("x:foo", "bar");
    form.field("x-qn-meta-a", "b");
    file.on("end", () => form.field("crc32", "3582362371"));
    const contentType = form.headers()["Content-Type"];
    const chunks = await new Promise<Uint8Array[]>((resolve) => {
      const collected: Uint8Array[] = [];
      form.on("data", (chunk) => collected.push(chunk));
      form.on("end", () => resolve(collected));
    });
    const body = Buffer.concat(chunks);

    expect(await parseEveryWay(body, contentType)).toEqual({
      ok: true,
      form: {
        fields: [
          ["token", "ak:sig:policy"],
          ["key", "a.txt"],
          ["x:foo", "bar"],
          ["x-qn-meta-a", "b"],
          ["crc32", "3582362371"],
        ],
        file: {
          filename: 'my"file\n.txt',
          contentType: "text/plain",
          bytes: bytesOf("hello\r\nworld"),
        },
      },
    });
  });

  it("skips the preamble and epilogue and allows padding after a delimiter", async () => {
    const result = await parseLines([
      "This is the preamble.",
      "--b0undary \t",
      'content-disposition: form-data; name="a"',
      "",
      "1",
      "--b0undary",
      'Content-Disposition: form-data;name=b;filename="x;y.txt"',
      "Content-Type: text/plain;",
      "  charset=utf-8",
      "",
      "2",
      "--b0undary--",
      "This is the epilogue.",
      "--b0undary",
      "more epilogue",
    ]);

    expect(result).toEqual({
      ok: true,
      form: {
        fields: [
          ["a", "1"],
          ["b", "2"],
        ],
        file: undefined,
      },
    });
  });

  it("takes the boundary quoted or not, in any case of the media type", async () => {
    const lines = ["--a:b=c d", 'Content-Disposition: form-data; name="k"', "", "v", "--a:b=c d--"];
    const body = bytesOf(lines.join("\r\n"));
    const result = await parseMultipart(
      chunked(body, [5]),
      'Multipart/Form-Data; charset=utf-8; boundary="a:b=c d"',
    );
    expect(result).toEqual({ ok: true, form: { fields: [["k", "v"]], file: undefined } });

    const bare = bytesOf("--abc\r\nContent-Disposition: form-data; name=k\r\n\r\nv\r\n--abc--");
    expect(await parseMultipart(chunked(bare, [3]), "multipart/form-data;boundary=abc")).toEqual({
      ok: true,
      form: { fields: [["k", "v"]], file: undefined },
    });
  });

  it("reads a file part without a filename or content type, and empty parts", async () => {
    const result = await parseLines([
      "--b0undary",
      'Content-Disposition: form-data; name="empty"',
      "",
      "",
      "--b0undary",
      'Content-Disposition: form-data; name="file"',
      "",
      "",
      "--b0undary--",
    ]);

    expect(result).toEqual({
      ok: true,
      form: {
        fields: [["empty", ""]],
        file: { filename: undefined, contentType: "application/octet-stream", bytes: bytesOf("") },
      },
    });
  });

  it("prefers an RFC 5987 filename* and reads a file under another name as text", async () => {
    const extended = "filename*=UTF-8''%E5%90%8D.txt";
    const result = await parseLines([
      "--b0undary",
      `Content-Disposition: form-data; name="file"; filename="plain.txt"; ${extended}`,
      "",
      "x",
      "--b0undary",
      'Content-Disposition: form-data; name="other"; filename="o.txt"',
      "Content-Type: text/plain",
      "",
      "text in a file",
      "--b0undary--",
    ]);

    expect(result.ok && result.form.file?.filename).toBe("名.txt");
    expect(result.ok && result.form.fields).toEqual([["other", "text in a file"]]);
  });

  it("decodes text fields as UTF-8", async () => {
    const form = new FormData();
    form.append("x:名前", "値 ✓ 🚀");
    const { body, contentType } = await encode(form);

    expect(await parseEveryWay(body, contentType)).toEqual({
      ok: true,
      form: { fields: [["x:名前", "値 ✓ 🚀"]], file: undefined },
    });
  });

  it("parses what FormData encodes, for any fields and file", async () => {
    // FormData turns lone CR or LF in names and values into CRLF, then escapes quote, CR and LF
    // in names and file names.
    const name = fc
      .string({ unit: "binary", minLength: 1, maxLength: 12 })
      .filter((n) => n !== "file" && !/%(22|0D|0A)/.test(n));
    const value = fc.string({ unit: "binary", maxLength: 40 });
    const file = fc.record({
      bytes: fc.uint8Array({ maxLength: 600 }),
      filename: fc.string({ unit: "binary", minLength: 1, maxLength: 12 }),
      type: fc.constantFrom("", "image/png", "text/plain", "application/json"),
    });
    const arbitrary = fc.record({
      before: fc.array(fc.tuple(name, value), { maxLength: 4 }),
      file: fc.option(file, { nil: undefined }),
      after: fc.array(fc.tuple(name, value), { maxLength: 4 }),
      sizes: fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 30 }),
    });

    await fc.assert(
      fc.asyncProperty(arbitrary, async (input) => {
        fc.pre(input.file === undefined || !/%(22|0D|0A)/.test(input.file.filename));
        const form = new FormData();
        for (const [n, v] of input.before) form.append(n, v);
        if (input.file !== undefined) {
          const { bytes, filename, type } = input.file;
          form.append("file", new File([bytes], filename, { type }));
        }
        for (const [n, v] of input.after) form.append(n, v);
        const { body, contentType } = await encode(form);

        const crlf = (v: string) => v.replace(/\r\n|\r|\n/g, "\r\n");
        const expected = {
          ok: true,
          form: {
            fields: [...input.before, ...input.after].map(([n, v]) => [crlf(n), crlf(v)]),
            file:
              input.file === undefined
                ? undefined
                : {
                    filename: input.file.filename,
                    contentType: input.file.type || "application/octet-stream",
                    bytes: input.file.bytes,
                  },
          },
        };
        expect(await parseMultipart(chunked(body, input.sizes), contentType)).toEqual(expected);
        expect(await parseMultipart(chunked(body, [body.length]), contentType)).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  describe("rejects malformed input without throwing", () => {
    const type = "multipart/form-data; boundary=b0undary";
    const part = ["--b0undary", 'Content-Disposition: form-data; name="a"', "", "1"];
    const parse = (text: string, contentType = type, maxBytes?: number) =>
      parseMultipart(chunked(bytesOf(text), [7]), contentType, maxBytes ? { maxBytes } : {});

    it("when the content type is not multipart/form-data", async () => {
      expect(await parse("x", "application/json")).toEqual({
        ok: false,
        message: "content type is not multipart/form-data",
      });
      expect((await parse("x", "multipart/mixed; boundary=b")).ok).toBe(false);
    });

    it("when the content type has no usable boundary", async () => {
      for (const contentType of [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        'multipart/form-data; boundary=""',
        `multipart/form-data; boundary=${"x".repeat(71)}`,
      ]) {
        const result = await parse("--x--", contentType);
        expect(result.ok).toBe(false);
        expect(result.ok || result.message).toMatch(/boundary/);
      }
    });

    it("when the body is empty or never shows the boundary", async () => {
      expect(await parse("")).toEqual({ ok: false, message: "body holds no multipart boundary" });
      expect(await parse("--other\r\n\r\nx\r\n--other--")).toEqual({
        ok: false,
        message: "body holds no multipart boundary",
      });
    });

    it("when the closing delimiter is missing", async () => {
      const message = "body ends before the closing boundary";
      for (const text of [
        part.join("\r\n"),
        [...part, "--b0undary"].join("\r\n"),
        `${[...part, "--b0undary"].join("\r\n")}\r\n`,
        `${[...part, "--b0undary"].join("\r\n")}-`,
        "--b0undary\r\nContent-Disposition: form-data; name=a\r\n",
      ]) {
        expect(await parse(text)).toEqual({ ok: false, message });
      }
    });

    it("when a delimiter is followed by something other than CRLF or --", async () => {
      for (const text of ["--b0undaryX\r\n", "--b0undary -\r\n", "--b0undary\rX", "--b0undary-x"]) {
        expect(await parse(text)).toEqual({
          ok: false,
          message: "boundary is followed by neither CRLF nor --",
        });
      }
    });

    it("when part headers are too long", async () => {
      const long = `--b0undary\r\nContent-Disposition: form-data; name="${"n".repeat(20_000)}"`;
      expect(await parse(`${long}\r\n\r\nv\r\n--b0undary--`)).toEqual({
        ok: false,
        message: "part headers are too long",
      });
      expect(await parse(`--b0undary\r\n${"x".repeat(100_000)}`)).toEqual({
        ok: false,
        message: "part headers are too long",
      });
    });

    it("when part headers are malformed or name no form-data field", async () => {
      expect(await parse("--b0undary\r\nno colon here\r\n\r\nv\r\n--b0undary--")).toEqual({
        ok: false,
        message: "part headers are malformed",
      });
      for (const headers of [
        "",
        "Content-Type: text/plain\r\n",
        "Content-Disposition: attachment; name=a\r\n",
        "Content-Disposition: form-data; filename=a\r\n",
      ]) {
        expect(await parse(`--b0undary\r\n${headers}\r\nv\r\n--b0undary--`)).toEqual({
          ok: false,
          message: "part has no form-data name",
        });
      }
    });

    it("when a second file part comes", async () => {
      const file = '--b0undary\r\nContent-Disposition: form-data; name="file"\r\n\r\nx\r\n';
      expect(await parse(`${file}${file}--b0undary--`)).toEqual({
        ok: false,
        message: "form has more than one file part",
      });
    });

    it("when the body is larger than maxBytes", async () => {
      const text = `${part.join("\r\n")}\r\n--b0undary--`;
      expect(await parse(text, type, text.length - 1)).toEqual({
        ok: false,
        message: `body is larger than ${text.length - 1} bytes`,
      });
      expect((await parse(text, type, text.length)).ok).toBe(true);
    });

    it("after reading the rest of the body, so that a server can still answer", async () => {
      let finished = false;
      async function* body(): AsyncGenerator<Uint8Array> {
        yield bytesOf("--b0undary\r\nbroken header\r\n\r\n");
        yield bytesOf("x".repeat(1000));
        yield bytesOf("\r\n--b0undary--\r\n");
        finished = true;
      }
      expect(await parseMultipart(body(), type)).toEqual({
        ok: false,
        message: "part headers are malformed",
      });
      expect(finished).toBe(true);
    });

    it("when reading the body fails", async () => {
      async function* broken(): AsyncGenerator<Uint8Array> {
        yield bytesOf("--b0undary\r\n");
        throw new Error("connection reset");
      }
      expect(await parseMultipart(broken(), type)).toEqual({
        ok: false,
        message: "body could not be read: connection reset",
      });
    });
  });
});

/** The part of formstream's interface that the official SDK uses. */
interface FormStreamLike {
  field(name: string, value: string): void;
  stream(name: string, stream: Readable, filename: string, mimeType: string): void;
  headers(): { "Content-Type": string };
  on(event: "data", listener: (chunk: Uint8Array) => void): void;
  on(event: "end", listener: () => void): void;
}
