import { ETAG_BLOCK_SIZE, v1FromBlockHashes } from "../etag/createBlockDigests.ts";
import { etagDigest } from "../etag/etagDigest.ts";
import type { EtagDigest } from "../etag/types.ts";
import type { ByteSource } from "./byteSource.ts";

/**
 * The raw v1 etag of a part read from `source`: with the source's own SHA-1 where it has one
 * (a file in Node), which hashes the bytes where they are, else through Web Crypto, which copies
 * each 4 MiB block it hashes.
 *
 * @param source - Where the part was read from.
 * @param bytes - The part.
 * @returns The digest and the size, as {@link etagDigest} gives them.
 * @example
 * const { digest } = await partDigest(source, bytes);
 */
export async function partDigest(source: ByteSource, bytes: Uint8Array): Promise<EtagDigest> {
  const sha1 = source.sha1;
  if (sha1 === undefined) return etagDigest(bytes);

  const hashes = new Uint8Array(Math.ceil(bytes.length / ETAG_BLOCK_SIZE) * 20);
  for (let start = 0; start < bytes.length; start += ETAG_BLOCK_SIZE) {
    hashes.set(
      sha1(bytes.subarray(start, start + ETAG_BLOCK_SIZE)),
      (start / ETAG_BLOCK_SIZE) * 20,
    );
  }
  return { digest: await v1FromBlockHashes(hashes), size: bytes.length };
}
