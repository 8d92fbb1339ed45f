import { urlsafeBase64Encode } from "../auth/base64.ts";
import { etagDigest } from "./etagDigest.ts";
import type { EtagBody, EtagOptions } from "./types.ts";

/**
 * Computes Qiniu's etag (v1, the `hash` of an object uploaded whole or in 4 MiB blocks) of a body.
 * Streams are read chunk by chunk, with memory bounded by a few 4 MiB blocks whatever their size.
 *
 * @param body - Bytes, text (as UTF-8), a Blob, a Web stream or an async iterable of chunks.
 * @param options - `signal` to stop, `concurrency` of the block digests.
 * @returns The 28-character etag; rejects with an `aborted` or `invalid_input` KodoError, or with
 *   the body's own error when reading it fails.
 * @example
 * await etag("etag"); // "FpLiADEaVoALPkdb8tJEJyRTXoe_"
 * await etag(file.stream(), { signal: AbortSignal.timeout(60_000) });
 */
export async function etag(body: EtagBody, options?: EtagOptions): Promise<string> {
  const { digest } = await etagDigest(body, options);
  return urlsafeBase64Encode(digest);
}
