import { urlsafeBase64Encode } from "../auth/base64.ts";
import type { ByteSource } from "./byteSource.ts";
import type { ListedPart } from "./multipartApi.ts";
import { partDigest } from "./partDigest.ts";
import type { ResumePart } from "./uploadTypes.ts";

/**
 * Finds, among the parts the service holds but a saved state does not name (a process stopped
 * between a part's answer and the saving of it), those that hold the very bytes of the source
 * where they lie: each is read and hashed locally, not sent again. Only a source that can be read
 * at any offset, of a known size, is checked; a part that differs is simply sent again.
 *
 * @param source - The body being uploaded.
 * @param partSize - The size of every part but the last.
 * @param held - The parts the service holds.
 * @param known - The part numbers the saved state already names.
 * @returns The parts to count as done, with their digests.
 */
export async function matchingHeldParts(
  source: ByteSource,
  partSize: number,
  held: readonly ListedPart[],
  known: ReadonlySet<number>,
): Promise<ResumePart[]> {
  const { readAt, size } = source;
  if (readAt === undefined || size === undefined) return [];
  const found: ResumePart[] = [];
  for (const part of held) {
    // The part must have the size the source gives at its place.
    const offset = (part.partNumber - 1) * partSize;
    const expected = Math.min(partSize, size - offset);
    if (known.has(part.partNumber) || expected <= 0 || part.size !== expected) continue;

    // One part in memory at a time; its etag must be the service's.
    try {
      const { digest } = await partDigest(source, await readAt(offset, expected));
      const raw = urlsafeBase64Encode(digest);
      if (raw === part.etag)
        found.push({ partNumber: part.partNumber, etag: raw, size: expected, digest: raw });
    } catch {
      // A part that cannot be checked is sent again.
    }
  }
  return found;
}
