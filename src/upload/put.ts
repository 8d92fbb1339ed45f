import type { Client } from "../client.ts";
import { invalidInput } from "../errors.ts";
import { fail, type Result } from "../result.ts";
import { checkKey } from "../validate.ts";
import { byteSource, type UploadBody } from "./byteSource.ts";
import { clientTarget, type UploadPolicy } from "./clientTarget.ts";
import { resumePlan } from "./resumePlan.ts";
import { checkUploadOptions, uploadBody } from "./uploadBody.ts";
import type { UploadData, UploadOptions } from "./uploadTypes.ts";

/** Options of {@link put}. */
export interface PutOptions extends UploadOptions {
  /** Put-policy fields for the token of this upload: `returnBody`, `callbackUrl`, `fileType` … */
  policy?: UploadPolicy | undefined;
}

/**
 * Uploads a body to the client's bucket: in one form request up to `multipartThreshold` (4 MiB),
 * in parts above it or when the length is unknown. The hash the service answers with is checked
 * against the etag computed while sending.
 *
 * @param client - The client whose bucket receives the object.
 * @param key - The object's key; an existing object is replaced.
 * @param body - Bytes, a string, a Blob, a Web or Node stream, or an async iterable of bytes.
 * @param options - MIME type, metadata, part size, concurrency, progress, signal, resume store.
 * @returns `{ key, hash, fsize, response }`; `checksum_mismatch` when the service stored other
 *   bytes than were sent.
 * @example
 * const result = await put(client, "notes/today.txt", "Hello", { mimeType: "text/plain" });
 * if (result.ok) console.log(result.data.hash);
 */
export async function put(
  client: Client,
  key: string,
  body: UploadBody,
  options: PutOptions = {},
): Promise<Result<UploadData>> {
  const problem = checkKey(key) ?? checkUploadOptions(options);
  if (problem !== undefined) return fail(problem);
  if (
    options.policy !== undefined &&
    (typeof options.policy !== "object" || options.policy === null)
  ) {
    return fail(invalidInput("options.policy: expected put-policy fields"));
  }
  const source = byteSource(body, options.size);
  if (!source.ok) return source;

  const target = clientTarget(client, key, options.policy);
  const resume = resumePlan(client.bucket, key, body, options);
  return uploadBody(target, key, source.data, options, resume);
}
