import { invalidInput, type KodoError, sourceError } from "../errors.ts";
import { fail, type Result } from "../result.ts";
import { checkOptions, isMimeType } from "../validate.ts";
import { type ByteSource, prependBytes } from "./byteSource.ts";
import { formUpload } from "./formUpload.ts";
import { multipartUpload, type ResumePlan } from "./multipartUpload.ts";
import { checkPartOptions } from "./partPlan.ts";
import { sizedSource } from "./sizedSource.ts";
import { checkFields } from "./uploadFields.ts";
import type { UploadData, UploadOptions, UploadTarget } from "./uploadTypes.ts";

/** Bodies up to this size go in one form upload unless said otherwise. */
const defaultMultipartThreshold = 4 * 1024 * 1024;

/**
 * Uploads a source: in one form request when it is small (its size known, or found by reading a
 * little past the threshold), else in parts. The source is closed in the end. With no key
 * (`undefined`) the service chooses it: the policy's saveKey, else the content's hash.
 */
export async function uploadBody(
  target: UploadTarget,
  key: string | undefined,
  body: ByteSource,
  options: UploadOptions,
  resume: ResumePlan | undefined,
): Promise<Result<UploadData>> {
  const source = sizedSource(body);
  try {
    const threshold = options.multipartThreshold ?? defaultMultipartThreshold;
    if (source.size !== undefined && source.size <= threshold) {
      const bytes = await source.read(source.size);
      return await formUpload(target, key, bytes, options);
    }
    if (source.size === undefined) {
      const head = await source.read(threshold + 1);
      if (head.length <= threshold) return await formUpload(target, key, head, options);
      return await multipartUpload({
        target,
        key,
        source: prependBytes(head, source),
        options,
        resume,
      });
    }
    return await multipartUpload({ target, key, source, options, resume });
  } catch (cause) {
    return fail(sourceError(cause));
  } finally {
    // An aborted upload does not wait for a source stuck in a read to let go.
    const closing = source.close().catch(() => undefined);
    if (options.signal?.aborted !== true) await closing;
  }
}

/** Checks the options of an upload before anything is read or sent. */
export function checkUploadOptions(options: UploadOptions | undefined): KodoError | undefined {
  const problem = checkOptions(options);
  if (problem !== undefined || options === undefined) return problem;
  const { mimeType, size, fileName, multipartThreshold, onProgress, resumeStore, resumeId } =
    options;
  if (mimeType !== undefined && !isMimeType(mimeType)) {
    return invalidInput("options.mimeType: expected a MIME type such as text/plain");
  }
  if (size !== undefined && !(Number.isSafeInteger(size) && size >= 0)) {
    return invalidInput("options.size: expected a whole number of bytes");
  }
  if (fileName !== undefined && (typeof fileName !== "string" || !fileName.isWellFormed())) {
    return invalidInput("options.fileName: expected a string");
  }
  if (
    multipartThreshold !== undefined &&
    !(
      Number.isSafeInteger(multipartThreshold) &&
      multipartThreshold >= 0 &&
      multipartThreshold <= 1024 ** 3
    )
  ) {
    return invalidInput("options.multipartThreshold: expected 0 to 1 GiB");
  }
  if (onProgress !== undefined && typeof onProgress !== "function") {
    return invalidInput("options.onProgress: expected a function");
  }
  if (resumeStore !== undefined && !isStore(resumeStore)) {
    return invalidInput("options.resumeStore: expected { get, set, delete }");
  }
  if (resumeId !== undefined && (typeof resumeId !== "string" || resumeId.length === 0)) {
    return invalidInput("options.resumeId: expected a non-empty string");
  }
  return (
    checkFields(options.customVars, "options.customVars") ??
    checkFields(options.metadata, "options.metadata") ??
    checkPartOptions(options.partSize, options.concurrency, size)
  );
}

function isStore(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const store = value as Record<string, unknown>;
  return ["get", "set", "delete"].every((name) => typeof store[name] === "function");
}
