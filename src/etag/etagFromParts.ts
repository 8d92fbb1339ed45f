import { urlsafeBase64Encode } from "../auth/base64.ts";
import { sha1 } from "../auth/crypto.ts";
import { invalidInput } from "../errors.ts";
import {
  ETAG_BLOCK_SIZE,
  MULTI_BLOCK_PREFIX,
  PARTS_PREFIX,
  SINGLE_BLOCK_PREFIX,
  v1FromBlockHashes,
  withPrefix,
} from "./createBlockDigests.ts";

const RAW_SIZE = 21;

/**
 * Combines the raw v1 etags of the parts of a multipart upload into the etag of the whole object:
 * the v1 etag when every part but the last is exactly 4 MiB and the last at most 4 MiB, else the
 * v2 etag (0x9e and the SHA-1 of the parts' SHA-1s).
 *
 * @param partDigests - The raw v1 etag of each part in order, 21 bytes each, as returned by
 *   `etagDigest` or `createEtagHasher().digest()`.
 * @param partSizes - The size in bytes of each part, in the same order.
 * @returns The 28-character etag; rejects with an `invalid_input` KodoError when the digests
 *   and sizes do not fit together.
 * @example
 * const parts = await Promise.all(chunks.map((chunk) => etagDigest(chunk)));
 * await etagFromParts(parts.map((p) => p.digest), parts.map((p) => p.size));
 */
export async function etagFromParts(
  partDigests: readonly Uint8Array[],
  partSizes: readonly number[],
): Promise<string> {
  checkParts(partDigests, partSizes);

  // 4 MiB parts are the blocks of v1; an empty last part adds nothing to the data.
  if (hasBlockLayout(partSizes)) {
    const hashes = new Uint8Array(20 * partDigests.length);
    let count = 0;
    partDigests.forEach((digest, i) => {
      if (partSizes[i] !== 0) hashes.set(digest.subarray(1), 20 * count++);
    });
    return urlsafeBase64Encode(await v1FromBlockHashes(hashes.subarray(0, 20 * count)));
  }

  // Other sizes: the SHA-1 of each part's own v1 SHA-1, end to end.
  const hashes = new Uint8Array(20 * partDigests.length);
  partDigests.forEach((digest, i) => {
    hashes.set(digest.subarray(1), 20 * i);
  });
  return urlsafeBase64Encode(withPrefix(PARTS_PREFIX, await sha1(hashes)));
}

/** Every part but the last of exactly 4 MiB, the last of at most 4 MiB (or no parts at all). */
function hasBlockLayout(sizes: readonly number[]): boolean {
  const last = sizes.length - 1;
  return sizes.every((size, i) => (i < last ? size === ETAG_BLOCK_SIZE : size <= ETAG_BLOCK_SIZE));
}

function checkParts(digests: readonly Uint8Array[], sizes: readonly number[]): void {
  if (digests.length !== sizes.length) {
    throw invalidInput(`etag: ${digests.length} part digests for ${sizes.length} part sizes`);
  }
  digests.forEach((digest, i) => {
    const size = sizes[i]!;
    if (!Number.isSafeInteger(size) || size < 0) {
      throw invalidInput(`etag: part ${i + 1} has an invalid size ${size}`, [
        { path: ["partSizes", i], message: "must be a whole number of bytes" },
      ]);
    }
    const expected = size <= ETAG_BLOCK_SIZE ? SINGLE_BLOCK_PREFIX : MULTI_BLOCK_PREFIX;
    if (!(digest instanceof Uint8Array) || digest.length !== RAW_SIZE || digest[0] !== expected) {
      throw invalidInput(
        `etag: part ${i + 1} needs a 21-byte raw v1 etag starting with 0x${expected.toString(16)}`,
        [{ path: ["partDigests", i], message: "must be the raw v1 etag of the part" }],
      );
    }
  });
}
