import { sha1 } from "../auth/crypto.ts";
import { invalidInput } from "../errors.ts";

/** The size of the blocks that an etag hashes one by one: 4 MiB. */
export const ETAG_BLOCK_SIZE: number = 4 * 1024 * 1024;

/** Prefix of a v1 etag of at most one block. */
export const SINGLE_BLOCK_PREFIX = 0x16;

/** Prefix of a v1 etag of two blocks or more. */
export const MULTI_BLOCK_PREFIX = 0x96;

/** Prefix of a v2 etag, made from parts that are not all 4 MiB. */
export const PARTS_PREFIX = 0x9e;

const SHA1_SIZE = 20;

/** SHA-1 digests of consecutive blocks, computed a few at a time. */
export interface BlockDigests {
  /**
   * Starts hashing the next block; resolves once fewer than `concurrency` blocks are in flight.
   * The bytes are copied before `add` returns (Web Crypto's `digest` copies its input when it is
   * called), so the caller may refill the block at once.
   */
  add(block: Uint8Array): Promise<void>;
  /** Waits for every block and returns the 21-byte v1 form. */
  finish(): Promise<Uint8Array>;
}

/**
 * Checks the `concurrency` option of the etag functions. Two blocks at a time by default:
 * faster than one thread, and in Node it leaves half of the default thread pool (4) free
 * for the file reads and DNS look-ups that usually run beside an etag.
 *
 * @param value - The option as given; 2 when absent.
 * @returns The number of blocks that may be hashed at once.
 */
export function blockConcurrency(value: number | undefined): number {
  if (value === undefined) return 2;
  if (!Number.isInteger(value) || value < 1 || value > 16) {
    throw invalidInput(`etag: concurrency must be an integer from 1 to 16, not ${value}`);
  }
  return value;
}

/**
 * Prefixes a SHA-1 with the etag form byte.
 *
 * @param prefix - 0x16, 0x96 or 0x9e.
 * @param hash - 20 bytes.
 * @returns The 21-byte raw etag.
 */
export function withPrefix(prefix: number, hash: Uint8Array): Uint8Array {
  const raw = new Uint8Array(1 + SHA1_SIZE);
  raw[0] = prefix;
  raw.set(hash, 1);
  return raw;
}

/**
 * The 21-byte v1 etag of data whose 4 MiB blocks have the given SHA-1 digests.
 *
 * @param hashes - The digests of the blocks in order, 20 bytes each, end to end.
 * @returns The raw etag: one block (or none) keeps its own SHA-1, several are hashed together.
 */
export async function v1FromBlockHashes(hashes: Uint8Array): Promise<Uint8Array> {
  if (hashes.length === 0) return withPrefix(SINGLE_BLOCK_PREFIX, await sha1(new Uint8Array(0)));
  if (hashes.length === SHA1_SIZE) return withPrefix(SINGLE_BLOCK_PREFIX, hashes);
  return withPrefix(MULTI_BLOCK_PREFIX, await sha1(hashes));
}

/**
 * Hashes blocks through Web Crypto with at most `concurrency` digests in flight, so that a large
 * input uses several threads where the runtime has them while memory stays bounded.
 *
 * @param concurrency - The most blocks hashed at once.
 * @returns The collector of block digests.
 */
export function createBlockDigests(concurrency: number): BlockDigests {
  let hashes = new Uint8Array(SHA1_SIZE * 16);
  let count = 0;
  const inFlight: Promise<void>[] = [];
  let failure: { error: unknown } | undefined;

  function store(index: number, hash: Uint8Array): void {
    if ((index + 1) * SHA1_SIZE > hashes.length) {
      const larger = new Uint8Array(Math.max(hashes.length * 2, (index + 1) * SHA1_SIZE));
      larger.set(hashes);
      hashes = larger;
    }
    hashes.set(hash, index * SHA1_SIZE);
  }

  async function settleOldest(): Promise<void> {
    await inFlight.shift();
    if (failure !== undefined) throw failure.error;
  }

  return {
    async add(block) {
      if (failure !== undefined) throw failure.error;
      const index = count++;
      const job = sha1(block).then(
        (hash) => store(index, hash),
        (error: unknown) => {
          failure ??= { error };
        },
      );
      inFlight.push(job);
      while (inFlight.length >= concurrency) await settleOldest();
    },

    async finish() {
      while (inFlight.length > 0) await settleOldest();
      if (failure !== undefined) throw failure.error;
      return v1FromBlockHashes(hashes.subarray(0, count * SHA1_SIZE));
    },
  };
}
