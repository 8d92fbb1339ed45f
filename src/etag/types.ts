/**
 * What an etag can be computed over: bytes, text (hashed as UTF-8), a `Blob` or `File`, a Web
 * `ReadableStream` of bytes, or any async iterable of byte chunks (a Node `Readable` is one).
 */
export type EtagBody =
  | Uint8Array
  | ArrayBuffer
  | Blob
  | string
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

/** Options of {@link etag} and {@link etagV2}. */
export interface EtagOptions {
  /** Stops the computation; the promise then rejects with an `aborted` KodoError. */
  signal?: AbortSignal | undefined;
  /** How many 4 MiB blocks may be hashed at the same time, from 1 to 16; 2 by default. */
  concurrency?: number | undefined;
}

/** The raw form of a v1 etag and the number of bytes it covers. */
export interface EtagDigest {
  /** 21 bytes: the prefix (0x16 for one block, 0x96 for several) and a SHA-1. */
  digest: Uint8Array;
  /** How many bytes were hashed. */
  size: number;
}
