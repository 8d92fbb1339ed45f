import { urlsafeBase64Encode } from "../auth/base64.ts";
import { isKodoError, sourceError } from "../errors.ts";
import { fail, ok, type Result } from "../result.ts";
import { etagDigest } from "./etagDigest.ts";
import type { EtagBody, EtagOptions } from "./types.ts";

/**
 * Computes Qiniu's etag (v1, the `hash` of an object uploaded whole or in 4 MiB blocks) of a body.
 * Streams are read chunk by chunk, with memory bounded by a few 4 MiB blocks whatever their size.
 *
 * @param body - Bytes, text (as UTF-8), a Blob, a Web stream or an async iterable of chunks.
 * @param options - `signal` to stop, `concurrency` of the block digests.
 * @returns The 28-character etag; `invalid_input` for a body of no known kind, `aborted`, or
 *   `source_error` when reading the body failed.
 * @example
 * const result = await etag("etag");
 * if (result.ok) console.log(result.data); // "FpLiADEaVoALPkdb8tJEJyRTXoe_"
 */
export function etag(body: EtagBody, options?: EtagOptions): Promise<Result<string>> {
  return settle(etagText(body, options));
}

/** Computes the etag as {@link etag} does, but rejects instead of resolving to an error. */
export async function etagText(body: EtagBody, options?: EtagOptions): Promise<string> {
  const { digest } = await etagDigest(body, options);
  return urlsafeBase64Encode(digest);
}

/** Turns a hash that may reject into a `Result`: a KodoError as it is, else the body's error. */
export async function settle(hashing: Promise<string>): Promise<Result<string>> {
  try {
    return ok(await hashing);
  } catch (cause) {
    return fail(isKodoError(cause) ? cause : sourceError(cause));
  }
}
