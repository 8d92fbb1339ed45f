import { invalidInput } from "../errors.ts";
import type { Result } from "../result.ts";
import { settle } from "./etag.ts";
import { etagDigest } from "./etagDigest.ts";
import { etagFromParts } from "./etagFromParts.ts";
import type { EtagBody, EtagOptions } from "./types.ts";

/**
 * Computes the etag that Qiniu gives an object uploaded in the given parts (multipart v2): the v1
 * etag of the whole when every part but the last is 4 MiB and the last at most 4 MiB, else v2.
 *
 * @param parts - The parts in upload order; each one may be any body kind that `etag` accepts.
 * @param options - `signal` to stop, `concurrency` of the block digests.
 * @returns The 28-character etag; the same errors as `etag`, and `invalid_input` when `parts`
 *   is not an iterable of bodies.
 * @example
 * const result = await etagV2(["hello", "world"]);
 * if (result.ok) console.log(result.data); // "ns56DcSIfBFUENXjdhsJTIvl3Rcu"
 */
export function etagV2(parts: Iterable<EtagBody>, options?: EtagOptions): Promise<Result<string>> {
  return settle(etagV2Text(parts, options));
}

/** Computes the etag as {@link etagV2} does, but rejects instead of resolving to an error. */
export async function etagV2Text(
  parts: Iterable<EtagBody>,
  options?: EtagOptions,
): Promise<string> {
  if (typeof parts === "string" || typeof parts?.[Symbol.iterator] !== "function") {
    throw invalidInput("etag: the parts must be an array or another iterable of bodies");
  }
  const digests: Uint8Array[] = [];
  const sizes: number[] = [];
  for (const part of parts) {
    const { digest, size } = await etagDigest(part, options);
    digests.push(digest);
    sizes.push(size);
  }
  return etagFromParts(digests, sizes);
}
