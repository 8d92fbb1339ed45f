import { urlsafeBase64Encode } from "../auth/base64.ts";
import { concatBytes } from "../auth/qbox.ts";
import { crc32 } from "../checksums/crc32.ts";
import { etagDigest } from "../etag/etagDigest.ts";
import { request } from "../http/request.ts";
import { fail, ok, type Result } from "../result.ts";
import { progressBody } from "./progressBody.ts";
import { trackProgress } from "./progressTracker.ts";
import { checkHash, prefixed } from "./uploadFields.ts";
import {
  type UploadData,
  type UploadOptions,
  type UploadTarget,
  uploadAnswerSchema,
} from "./uploadTypes.ts";

const encoder = new TextEncoder();

/**
 * Uploads bytes in one multipart/form-data request, with their CRC-32 for the service to check,
 * and checks the hash it answers with against the local etag. With no key the form has no `key`
 * field, and the key is the one the service answers with (empty if its answer names none).
 */
export async function formUpload(
  target: UploadTarget,
  key: string | undefined,
  bytes: Uint8Array,
  options: UploadOptions,
): Promise<Result<UploadData>> {
  const hosts = await target.hosts(options.signal);
  if (!hosts.ok) return hosts;
  const local = etagDigest(bytes);
  const progress = trackProgress(bytes.length, options.onProgress);

  // Send, and once more with a new token if the service says the first one expired.
  let token = await target.token();
  for (let renewed = false; ; renewed = true) {
    if (!token.ok) return token;
    const boundary = `----qiniu-kit-${crypto.randomUUID()}`;
    const form = formBody(boundary, token.data, key, bytes, options);
    // Each attempt streams the form afresh, reporting the file's share of what fetch took.
    const sentOfFile = (sent: number) =>
      progress.sending(1, Math.floor((sent * bytes.length) / form.length));
    const reply = await request(target.transport, {
      method: "POST",
      hosts: hosts.data,
      path: "/",
      contentType: `multipart/form-data; boundary=${boundary}`,
      headers: { "Content-Length": String(form.length) },
      body: () => progressBody(form, sentOfFile).body,
      schema: uploadAnswerSchema,
      idempotent: true,
      signal: options.signal,
    });
    if (!reply.ok) {
      if (reply.error.code === "unauthorized" && !renewed && target.renewToken !== undefined) {
        token = await target.renewToken();
        continue;
      }
      return reply;
    }

    // The answer's hash must be the etag of what was sent.
    const answer = reply.data.data;
    const hash = urlsafeBase64Encode((await local).digest);
    const mismatch = checkHash(answer.hash, hash, reply.data.reqId);
    if (mismatch !== undefined) return fail(mismatch);
    progress.finish(bytes.length);
    return ok({ key: answer.key ?? key ?? "", hash, fsize: bytes.length, response: answer });
  }
}

/** Escapes what would end a quoted name in a part header. */
function quote(name: string): string {
  return name.replaceAll('"', "%22").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

function formBody(
  boundary: string,
  token: string,
  key: string | undefined,
  bytes: Uint8Array,
  options: UploadOptions,
): Uint8Array {
  const field = (name: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`;

  let head = field("token", token) + (key === undefined ? "" : field("key", key));
  for (const [name, value] of prefixed(options.customVars, "x:")) head += field(name, value);
  for (const [name, value] of prefixed(options.metadata, "x-qn-meta-")) head += field(name, value);
  const fileName = quote(options.fileName ?? key ?? "fname");
  const mimeType = options.mimeType ?? "application/octet-stream";
  head +=
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
    `Content-Type: ${mimeType}\r\n\r\n`;
  const tail = `\r\n${field("crc32", String(crc32(bytes)))}--${boundary}--\r\n`;
  return concatBytes([encoder.encode(head), bytes, encoder.encode(tail)]);
}
