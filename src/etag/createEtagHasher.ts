import { urlsafeBase64Encode } from "../auth/base64.ts";
import { invalidInput } from "../errors.ts";
import { blockConcurrency, createBlockDigests, ETAG_BLOCK_SIZE } from "./createBlockDigests.ts";
import { toChunk } from "./toChunk.ts";

/** Options of {@link createEtagHasher}. */
export interface EtagHasherOptions {
  /** How many 4 MiB blocks may be hashed at the same time, from 1 to 16; 2 by default. */
  concurrency?: number | undefined;
}

/** A v1 etag computed piece by piece, with memory bounded by a few 4 MiB blocks. */
export interface EtagHasher {
  /** How many bytes were given to `update` so far. */
  readonly size: number;
  /**
   * Adds the next bytes. The bytes are copied before the promise resolves, so the caller may
   * reuse its buffer then; awaiting each call keeps memory bounded.
   *
   * @param bytes - The next piece of the data, of any size.
   * @returns A promise that resolves when the hasher is ready for more.
   */
  update(bytes: Uint8Array): Promise<void>;
  /**
   * Ends the data and returns the raw etag: 21 bytes, the form byte (0x16 or 0x96) then a SHA-1.
   * Later calls return the same value.
   *
   * @returns A fresh copy of the raw etag.
   */
  digest(): Promise<Uint8Array>;
  /**
   * Ends the data and returns the etag as Qiniu prints it (28 URL-safe base64 characters).
   *
   * @returns The etag string.
   */
  etag(): Promise<string>;
}

/**
 * Starts a v1 etag computation that is fed bytes as they arrive, for example while a stream is
 * being uploaded; full 4 MiB blocks are hashed in the background, a few at a time.
 *
 * @param options - `concurrency`: how many blocks may be hashed at once.
 * @returns The hasher: `update` it, then call `etag` or `digest` once the data ends.
 * @example
 * const hasher = createEtagHasher();
 * for await (const chunk of stream) await hasher.update(chunk);
 * const hash = await hasher.etag(); // "Fto5o-5ea0sNMlW_75VgGJCv2AcJ" for no data
 */
export function createEtagHasher(options: EtagHasherOptions = {}): EtagHasher {
  const blocks = createBlockDigests(blockConcurrency(options.concurrency));
  let current: Uint8Array | undefined;
  let filled = 0;
  let size = 0;
  let queue: Promise<void> = Promise.resolve();
  let result: Promise<Uint8Array> | undefined;

  // Copies bytes into the block being filled; a full block goes to the digests. Web Crypto takes
  // a copy of its input when `digest` is called, so the one block buffer is at once free again.
  async function write(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) {
      current ??= new Uint8Array(ETAG_BLOCK_SIZE);
      const take = Math.min(ETAG_BLOCK_SIZE - filled, bytes.length - offset);
      current.set(bytes.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === ETAG_BLOCK_SIZE) {
        filled = 0;
        await blocks.add(current);
      }
    }
  }

  async function finish(): Promise<Uint8Array> {
    if (current !== undefined && filled > 0) await blocks.add(current.subarray(0, filled));
    current = undefined;
    return blocks.finish();
  }

  const hasher: EtagHasher = {
    get size() {
      return size;
    },

    update(bytes) {
      if (result !== undefined) {
        return Promise.reject(invalidInput("etag: update() was called after the digest"));
      }
      let chunk: Uint8Array;
      try {
        chunk = toChunk(bytes);
      } catch (error) {
        return Promise.reject(error);
      }
      size += chunk.length;
      // Calls run one after the other, so bytes keep their order even when not awaited.
      queue = queue.then(() => write(chunk));
      return queue;
    },

    async digest() {
      result ??= queue.then(finish);
      return (await result).slice();
    },

    async etag() {
      return urlsafeBase64Encode(await hasher.digest());
    },
  };
  return hasher;
}
