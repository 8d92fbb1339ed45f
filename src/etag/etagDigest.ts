import { invalidInput, type KodoError } from "../errors.ts";
import { blockConcurrency, createBlockDigests, ETAG_BLOCK_SIZE } from "./createBlockDigests.ts";
import { createEtagHasher } from "./createEtagHasher.ts";
import { abortedError, throwIfAborted } from "./throwIfAborted.ts";
import { toChunk } from "./toChunk.ts";
import type { EtagBody, EtagDigest, EtagOptions } from "./types.ts";

/** A body read chunk by chunk: a stream reader or an async iterator. */
interface ChunkSource {
  next(): Promise<IteratorResult<unknown>>;
  /** Tells the source that no more chunks will be read. */
  stop(reason: unknown): void;
  /** Lets go of the source once reading is over. */
  close(): void;
}

/**
 * Computes the raw v1 etag of a body and counts its bytes, reading streams chunk by chunk with
 * memory bounded by a few 4 MiB blocks.
 *
 * @param body - Bytes, text (as UTF-8), a Blob, a Web stream or an async iterable of chunks.
 * @param options - `signal` to stop, `concurrency` of the block digests.
 * @returns The 21-byte raw etag and the size; rejects with an `aborted` or `invalid_input`
 *   KodoError, or with the body's own error when reading it fails.
 * @example
 * const { digest, size } = await etagDigest(partBytes); // one entry for etagFromParts
 */
export async function etagDigest(body: EtagBody, options: EtagOptions = {}): Promise<EtagDigest> {
  const { signal } = options;
  const concurrency = blockConcurrency(options.concurrency);
  throwIfAborted(signal);

  if (typeof body === "string" || ArrayBuffer.isView(body) || body instanceof ArrayBuffer) {
    return digestBytes(toChunk(body), concurrency, signal);
  }
  if (typeof body !== "object" || body === null) throw unsupportedBody();
  if (isBlob(body)) return digestBlob(body, concurrency, signal);
  if (isReadableStream(body)) return digestSource(streamSource(body), concurrency, signal);
  if (isAsyncIterable(body)) return digestSource(iteratorSource(body), concurrency, signal);
  throw unsupportedBody();
}

function unsupportedBody(): KodoError {
  return invalidInput(
    "etag: the body must be bytes, a string, a Blob, a stream or an async iterable",
  );
}

/** Bytes in memory: each 4 MiB block goes to Web Crypto as a view, with no copy of ours. */
async function digestBytes(
  bytes: Uint8Array,
  concurrency: number,
  signal: AbortSignal | undefined,
): Promise<EtagDigest> {
  const blocks = createBlockDigests(concurrency);
  for (let start = 0; start < bytes.length; start += ETAG_BLOCK_SIZE) {
    throwIfAborted(signal);
    await blocks.add(bytes.subarray(start, start + ETAG_BLOCK_SIZE));
  }
  throwIfAborted(signal);
  return { digest: await blocks.finish(), size: bytes.length };
}

/** A Blob or File: read one 4 MiB slice at a time. */
async function digestBlob(
  blob: Blob,
  concurrency: number,
  signal: AbortSignal | undefined,
): Promise<EtagDigest> {
  const blocks = createBlockDigests(concurrency);
  for (let start = 0; start < blob.size; start += ETAG_BLOCK_SIZE) {
    throwIfAborted(signal);
    const slice = blob.slice(start, start + ETAG_BLOCK_SIZE);
    await blocks.add(new Uint8Array(await slice.arrayBuffer()));
  }
  throwIfAborted(signal);
  return { digest: await blocks.finish(), size: blob.size };
}

/** A stream or an iterable: chunks of any size go through a hasher; an abort stops the source. */
async function digestSource(
  source: ChunkSource,
  concurrency: number,
  signal: AbortSignal | undefined,
): Promise<EtagDigest> {
  const hasher = createEtagHasher({ concurrency });

  // A read that never ends must not outlive an abort: race every read with the signal.
  let onAbort: (() => void) | undefined;
  const aborted =
    signal === undefined
      ? undefined
      : new Promise<never>((_, reject) => {
          onAbort = () => reject(abortedError(signal));
          signal.addEventListener("abort", onAbort, { once: true });
        });
  aborted?.catch(() => {});

  try {
    for (;;) {
      throwIfAborted(signal);
      const step = await (aborted === undefined
        ? source.next()
        : Promise.race([source.next(), aborted]));
      if (step.done) break;
      await hasher.update(toChunk(step.value));
    }
    throwIfAborted(signal);
  } catch (error) {
    source.stop(error);
    throw error;
  } finally {
    if (onAbort !== undefined) signal?.removeEventListener("abort", onAbort);
    source.close();
  }
  return { digest: await hasher.digest(), size: hasher.size };
}

function streamSource(stream: ReadableStream<Uint8Array>): ChunkSource {
  const reader = stream.getReader();
  return {
    next: () => reader.read(),
    stop: (reason) => {
      reader.cancel(reason).catch(() => {});
    },
    close: () => {
      try {
        reader.releaseLock();
      } catch {
        // A read still pending after a failure keeps the lock; the stream is cancelled anyway.
      }
    },
  };
}

function iteratorSource(iterable: AsyncIterable<unknown>): ChunkSource {
  const iterator = iterable[Symbol.asyncIterator]();
  return {
    next: () => iterator.next(),
    stop: (reason) => {
      Promise.resolve(iterator.return?.(reason)).catch(() => {});
    },
    close: () => {},
  };
}

function isBlob(value: object): value is Blob {
  const blob = value as Partial<Blob>;
  return (
    typeof blob.size === "number" &&
    typeof blob.slice === "function" &&
    typeof blob.arrayBuffer === "function"
  );
}

function isReadableStream(value: object): value is ReadableStream<Uint8Array> {
  return typeof (value as Partial<ReadableStream>).getReader === "function";
}

function isAsyncIterable(value: object): value is AsyncIterable<unknown> {
  return typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === "function";
}
