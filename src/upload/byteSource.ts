import { invalidInput } from "../errors.ts";
import type { EtagBody } from "../etag/types.ts";
import { fail, ok, type Result } from "../result.ts";

/**
 * What an upload can send: bytes, text (as UTF-8), a `Blob` or `File`, a Web `ReadableStream`,
 * or any async iterable of byte chunks (a Node `Readable` is one).
 */
export type UploadBody = EtagBody;

/** Bytes read from the start of a body, the rest read in pieces of a chosen size. */
export interface ByteSource {
  /** The total size, when it is known before reading. */
  readonly size: number | undefined;
  /**
   * Reads the next `length` bytes: fewer only at the end, an empty array after it. Reading into
   * fresh memory each time lets several pieces be in flight at once.
   */
  read(length: number): Promise<Uint8Array>;
  /** Reads `length` bytes at `offset` without reading what lies before, when the source can. */
  readAt?: ((offset: number, length: number) => Promise<Uint8Array>) | undefined;
  /**
   * Reads the next bytes into `buffer`, filling it but at the end, so that a reader can use its
   * memory again; resolves to how many were read. Absent where reading gives memory anyway.
   */
  readInto?: ((buffer: Uint8Array) => Promise<number>) | undefined;
  /** Reads the bytes at `offset` into `buffer`, as `readInto` does. */
  readAtInto?: ((buffer: Uint8Array, offset: number) => Promise<number>) | undefined;
  /** Lets go of the source (a stream is cancelled, a file closed). */
  close(): Promise<void>;
  /**
   * The MD5 of bytes read from this source, as lower-case hex, where the code that made the
   * source has a native one at hand (a file opened with `node:fs` also has `node:crypto`); the
   * plain TypeScript MD5 is used otherwise.
   */
  md5Hex?: ((bytes: Uint8Array) => string) | undefined;
  /** The SHA-1 of bytes read from this source, where it has a native one, as for `md5Hex`. */
  sha1?: ((bytes: Uint8Array) => Uint8Array) | undefined;
}

const encoder = new TextEncoder();

/**
 * Wraps an upload body as a {@link ByteSource}.
 *
 * @returns The source, or `invalid_input` when the body is of no kind an upload can send.
 */
export function byteSource(body: UploadBody, size?: number): Result<ByteSource> {
  if (typeof body === "string") return ok(bytesSource(encoder.encode(body)));
  if (body instanceof Uint8Array) return ok(bytesSource(body));
  if (body instanceof ArrayBuffer) return ok(bytesSource(new Uint8Array(body)));
  if (ArrayBuffer.isView(body)) {
    return ok(bytesSource(new Uint8Array(body.buffer, body.byteOffset, body.byteLength)));
  }
  if (typeof Blob !== "undefined" && body instanceof Blob) return ok(blobSource(body));
  if (typeof ReadableStream !== "undefined" && body instanceof ReadableStream) {
    return ok(chunkSource(readerChunks(body), size));
  }
  if (typeof body === "object" && body !== null && Symbol.asyncIterator in body) {
    return ok(chunkSource(iterableChunks(body), size));
  }
  return fail(
    invalidInput("body: expected bytes, a string, a Blob, a stream or an async iterable"),
  );
}

function bytesSource(bytes: Uint8Array): ByteSource {
  let position = 0;
  return {
    size: bytes.length,
    read: async (length) => {
      const piece = bytes.subarray(position, Math.min(bytes.length, position + length));
      position += piece.length;
      return piece;
    },
    readAt: async (offset, length) =>
      bytes.subarray(offset, Math.min(bytes.length, offset + length)),
    close: async () => undefined,
  };
}

function blobSource(blob: Blob): ByteSource {
  let position = 0;
  const readAt = async (offset: number, length: number) =>
    new Uint8Array(await blob.slice(offset, Math.min(blob.size, offset + length)).arrayBuffer());
  return {
    size: blob.size,
    read: async (length) => {
      const piece = await readAt(position, length);
      position += piece.length;
      return piece;
    },
    readAt,
    close: async () => undefined,
  };
}

/** The chunks of a Web stream; stopping cancels the stream at once, even during a read. */
function readerChunks(stream: ReadableStream<Uint8Array>): AsyncIterator<Uint8Array> {
  const reader = stream.getReader();
  return {
    next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
    return: async () => {
      await reader.cancel().catch(() => undefined);
      return { done: true, value: undefined };
    },
  };
}

/**
 * The chunks of an async iterable. A Node stream is destroyed when reading stops, since its
 * iterator lets go only after a read in progress ends, which may be never.
 */
function iterableChunks(body: AsyncIterable<unknown>): AsyncIterator<unknown> {
  const iterator = body[Symbol.asyncIterator]();
  const destroy = (body as { destroy?: unknown }).destroy;
  if (typeof destroy !== "function") return iterator;
  return {
    next: () => iterator.next(),
    return: async () => {
      destroy.call(body);
      return (await iterator.return?.()) ?? { done: true, value: undefined };
    },
  };
}

function asBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === "string") return encoder.encode(chunk);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk))
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw invalidInput("body: a chunk of the stream is not bytes");
}

/** A sequential source over chunks of any size, copied into pieces of the size asked for. */
function chunkSource(chunks: AsyncIterator<unknown>, size: number | undefined): ByteSource {
  let pending: Uint8Array = new Uint8Array(0);
  let done = false;
  const readInto = async (buffer: Uint8Array) => {
    let filled = 0;
    while (filled < buffer.length) {
      if (pending.length === 0) {
        if (done) break;
        const next = await chunks.next();
        if (next.done === true) {
          done = true;
          break;
        }
        pending = asBytes(next.value);
        continue;
      }
      const take = Math.min(pending.length, buffer.length - filled);
      buffer.set(pending.subarray(0, take), filled);
      pending = pending.subarray(take);
      filled += take;
    }
    return filled;
  };
  return {
    size,
    read: async (length) => {
      const piece = new Uint8Array(length);
      const filled = await readInto(piece);
      return filled === length ? piece : piece.subarray(0, filled);
    },
    readInto,
    close: async () => {
      done = true;
      await chunks.return?.().catch(() => undefined);
    },
  };
}

/** A sequential source that first gives `prefix`, bytes already read from `rest`. */
export function prependBytes(prefix: Uint8Array, rest: ByteSource): ByteSource {
  let pending = prefix;
  const restInto = rest.readInto;
  return {
    size: rest.size,
    read: async (length) => {
      if (pending.length >= length) {
        const piece = pending.subarray(0, length);
        pending = pending.subarray(length);
        return piece;
      }
      const more = await rest.read(length - pending.length);
      const piece = new Uint8Array(pending.length + more.length);
      piece.set(pending);
      piece.set(more, pending.length);
      pending = new Uint8Array(0);
      return piece;
    },
    readInto:
      restInto === undefined
        ? undefined
        : async (buffer) => {
            const take = Math.min(pending.length, buffer.length);
            buffer.set(pending.subarray(0, take));
            pending = pending.subarray(take);
            return take === buffer.length ? take : take + (await restInto(buffer.subarray(take)));
          },
    close: () => rest.close(),
  };
}
