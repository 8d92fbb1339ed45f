import type { UploadBody } from "./byteSource.ts";
import type { ResumePlan } from "./multipartUpload.ts";
import type { UploadOptions } from "./uploadTypes.ts";

/**
 * The resume plan of an upload: needs a store, and an id (the caller's `resumeId`, else
 * `<bucket>:<key>`; with neither, as with no key, there is no resuming). The source is told apart
 * by the caller's id, its size and, for a File, its name and modification time.
 *
 * @returns The plan, or `undefined` when the upload cannot resume.
 */
export function resumePlan(
  bucket: string,
  key: string | undefined,
  body: UploadBody,
  options: UploadOptions,
): ResumePlan | undefined {
  if (options.resumeStore === undefined) return undefined;
  const id = options.resumeId ?? (key === undefined ? undefined : `${bucket}:${key}`);
  if (id === undefined) return undefined;
  const file = typeof File !== "undefined" && body instanceof File ? body : undefined;
  const size = typeof Blob !== "undefined" && body instanceof Blob ? body.size : options.size;
  const fingerprint = JSON.stringify([options.resumeId, size, file?.name, file?.lastModified]);
  return { store: options.resumeStore, id, fingerprint };
}
