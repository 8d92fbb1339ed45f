import { sha1 } from "../auth/crypto.ts";
import type { Client } from "../client.ts";
import { invalidInput, sourceError } from "../errors.ts";
import { mimeFromName } from "../mime.ts";
import { readFull } from "../readFull.ts";
import { fail, type Result } from "../result.ts";
import { checkKey } from "../validate.ts";
import type { ByteSource } from "./byteSource.ts";
import { clientTarget } from "./clientTarget.ts";
import { createFileResumeStore } from "./fileResumeStore.ts";
import type { PutOptions } from "./put.ts";
import { checkUploadOptions, uploadBody } from "./uploadBody.ts";
import type { UploadData } from "./uploadTypes.ts";

/** Options of {@link putFile}. */
export interface PutFileOptions extends PutOptions {
  /** Keep the state of a multipart upload so that a later call resumes it (true by default). */
  resume?: boolean | undefined;
}

/**
 * Uploads a file, streaming it: never read whole, parts read where they lie, so that memory stays
 * bounded and a resumed upload reads only the missing parts. The MIME type comes from the
 * extension when none is given. Large files are resumable by default: the state is kept in the
 * system's temporary folder (or `resumeStore`), and a changed file (size or mtime) starts over.
 * Node, Deno and Bun.
 *
 * @param client - The client whose bucket receives the object.
 * @param key - The object's key; an existing object is replaced.
 * @param path - The file to upload.
 * @param options - As for `put`, and `resume: false` to keep no state.
 * @returns `{ key, hash, fsize, response }`; `source_error` when the file cannot be read.
 * @example
 * const result = await putFile(client, "videos/intro.mp4", "./intro.mp4", {
 *   onProgress: ({ loaded, total }) => console.log(`${loaded} / ${total}`),
 * });
 */
export async function putFile(
  client: Client,
  key: string,
  path: string,
  options: PutFileOptions = {},
): Promise<Result<UploadData>> {
  const problem = checkKey(key) ?? checkUploadOptions(options);
  if (problem !== undefined) return fail(problem);
  if (typeof path !== "string" || path.length === 0)
    return fail(invalidInput("path: expected a file path"));

  // Open the file; its size and mtime tell a resumed upload whether it changed.
  const file = await openFile(path);
  if (!file.ok) return file;
  const { source, mtimeMs } = file.data;

  // node:path (like node:fs below) loads on the first call: importing the package stays cheap.
  const { resolve } = await import("node:path");
  const absolute = resolve(path);
  const mimeType = options.mimeType ?? mimeFromName(path) ?? "application/octet-stream";
  const resume =
    options.resume === false
      ? undefined
      : {
          store: options.resumeStore ?? createFileResumeStore(),
          id: await resumeId(client, key, absolute),
          fingerprint: JSON.stringify([absolute, source.size, mtimeMs, options.resumeId]),
        };
  const target = clientTarget(client, key, options.policy);
  return uploadBody(target, key, source, { ...options, mimeType, size: source.size }, resume);
}

async function resumeId(client: Client, key: string, path: string): Promise<string> {
  const digest = await sha1(
    JSON.stringify([client.ucHost, client.accessKey, client.bucket, key, path]),
  );
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function openFile(
  path: string,
): Promise<Result<{ source: ByteSource & { size: number }; mtimeMs: number }>> {
  try {
    const [{ open }, { createHash }] = await Promise.all([
      import("node:fs/promises"),
      import("node:crypto"),
    ]);
    const handle = await open(path, "r");
    const info = await handle.stat();
    if (!info.isFile()) {
      await handle.close();
      return fail(invalidInput(`path: ${path} is not a file`));
    }
    const size = info.size;
    let position = 0;
    const readAtInto = (buffer: Uint8Array, offset: number) => {
      const wanted = Math.max(0, Math.min(buffer.length, size - offset));
      return readFull(handle, buffer.subarray(0, wanted), offset);
    };
    const readAt = async (offset: number, length: number) => {
      const buffer = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      const filled = await readAtInto(buffer, offset);
      return filled === buffer.length ? buffer : buffer.subarray(0, filled);
    };
    const source = {
      size,
      readAt,
      readAtInto,
      read: async (length: number) => {
        const piece = await readAt(position, length);
        position += piece.length;
        return piece;
      },
      close: () => handle.close(),
      md5Hex: (bytes: Uint8Array) => createHash("md5").update(bytes).digest("hex"),
      sha1: (bytes: Uint8Array) => new Uint8Array(createHash("sha1").update(bytes).digest()),
    };
    return { ok: true, data: { source, mtimeMs: info.mtimeMs } };
  } catch (cause) {
    return fail(sourceError(cause, path));
  }
}
