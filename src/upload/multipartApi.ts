import { urlsafeBase64Encode } from "../auth/base64.ts";
import type { HttpReply } from "../http/attempt.ts";
import type { Transport } from "../http/request.ts";
import { type RequestSpecBase, request } from "../http/request.ts";
import type { Result } from "../result.ts";
import { type Infer, lazySchema } from "../schema.ts";
import { uploadAnswerSchema } from "./uploadTypes.ts";

/** Where a multipart upload's requests go. */
export interface MultipartPlace {
  transport: Transport;
  hosts: readonly string[];
  bucket: string;
  /** The object's key; `undefined` lets the service choose it (saveKey, else the hash). */
  key: string | undefined;
  token: string;
  signal: AbortSignal | undefined;
}

/** The path of an object in the multipart API: `~` names no key (an empty one included). */
function objectPath(place: MultipartPlace): string {
  const name = place.key === undefined || place.key === "" ? "~" : urlsafeBase64Encode(place.key);
  return `/buckets/${encodeURIComponent(place.bucket)}/objects/${name}/uploads`;
}

function base(place: MultipartPlace, method: string, path: string): RequestSpecBase {
  return {
    method,
    hosts: place.hosts,
    path,
    auth: { type: "upToken", token: place.token },
    idempotent: true,
    signal: place.signal,
  };
}

const initSchema = lazySchema(() => import("./multipartSchemas.ts").then((m) => m.initSchema));

/** Starts a multipart upload. */
export function initUpload(
  place: MultipartPlace,
): Promise<Result<HttpReply<Infer<typeof initSchema>>>> {
  // Starting twice leaves an unused upload that the service forgets after 7 days: harmless.
  return request(place.transport, {
    ...base(place, "POST", objectPath(place)),
    schema: initSchema,
  });
}

const partSchema = lazySchema(() => import("./multipartSchemas.ts").then((m) => m.partSchema));

/** Sends one part. */
export function sendPart(
  place: MultipartPlace,
  uploadId: string,
  partNumber: number,
  body: Uint8Array | ReadableStream<Uint8Array>,
  size: number,
  md5: string,
): Promise<Result<HttpReply<Infer<typeof partSchema>>>> {
  const path = `${objectPath(place)}/${encodeURIComponent(uploadId)}/${partNumber}`;
  return request(place.transport, {
    ...base(place, "PUT", path),
    contentType: "application/octet-stream",
    headers: { "Content-MD5": md5, "Content-Length": String(size) },
    body,
    schema: partSchema,
  });
}

const listedSchema = lazySchema(() => import("./multipartSchemas.ts").then((m) => m.listedSchema));

/** A part the service holds. */
export interface ListedPart {
  partNumber: number;
  etag: string;
  size: number;
}

/** Lists every part the service holds for an upload, following its pages. */
export async function listParts(
  place: MultipartPlace,
  uploadId: string,
): Promise<Result<ListedPart[]>> {
  const parts: ListedPart[] = [];
  let marker = 0;
  for (;;) {
    const query = `max-parts=1000&part-number_marker=${marker}`;
    const path = `${objectPath(place)}/${encodeURIComponent(uploadId)}?${query}`;
    const reply = await request(place.transport, {
      ...base(place, "GET", path),
      schema: listedSchema,
    });
    if (!reply.ok) return reply;
    const page = reply.data.data;
    parts.push(...(page.parts ?? []));
    const next = page.partNumberMarker ?? 0;
    if (next === 0 || next <= marker || (page.parts ?? []).length === 0)
      return { ok: true, data: parts };
    marker = next;
  }
}

/** The fields that complete an upload. */
export interface CompleteFields {
  parts: ReadonlyArray<{ partNumber: number; etag: string }>;
  fname: string;
  mimeType: string | undefined;
  customVars: Record<string, string>;
  metadata: Record<string, string>;
}

/** Joins the parts into the object. */
export function completeUpload(
  place: MultipartPlace,
  uploadId: string,
  fields: CompleteFields,
): Promise<Result<HttpReply<Infer<typeof uploadAnswerSchema>>>> {
  const body: Record<string, unknown> = {
    parts: fields.parts.map(({ partNumber, etag }) => ({ etag, partNumber })),
    fname: fields.fname,
    customVars: fields.customVars,
    metadata: fields.metadata,
  };
  if (fields.mimeType !== undefined) body.mimeType = fields.mimeType;
  const path = `${objectPath(place)}/${encodeURIComponent(uploadId)}`;
  return request(place.transport, {
    ...base(place, "POST", path),
    contentType: "application/json",
    body: JSON.stringify(body),
    schema: uploadAnswerSchema,
  });
}
