import * as z from "zod/mini";
import {
  urlsafeBase64Decode,
  urlsafeBase64DecodeText,
  urlsafeBase64Encode,
} from "../../auth/base64.ts";
import type { ParsedUploadToken } from "../../auth/uploadToken.ts";
import { etagDigest } from "../../etag/etagDigest.ts";
import { etagFromParts } from "../../etag/etagFromParts.ts";
import { check } from "../../schema.ts";
import { checkUploadToken, upTokenHeader } from "../auth.ts";
import { type Exchange, header } from "../exchange.ts";
import { empty, failure, json, type Reply } from "../http/reply.ts";
import { md5Hex } from "../md5.ts";
import { checkScope, commitUpload, splitFields } from "../upload/commit.ts";
import { type MultipartUpload, sessionLifetime, UploadSessions } from "../upload/sessions.ts";

const MiB = 1024 * 1024;
const maxPartBytes = 1024 * MiB;
const noSuchUpload = () => failure(612, "no such uploadId");

/** The path `/buckets/<bucket>/objects/<enc>/uploads[/<id>[/<n>]]`, checked against the token. */
type Target =
  | {
      ok: true;
      token: ParsedUploadToken;
      bucket: string;
      encodedKey: string;
      key: string | undefined;
    }
  | { ok: false; reply: Reply };

async function target(exchange: Exchange): Promise<Target> {
  const checked = await checkUploadToken(exchange, upTokenHeader(exchange));
  if (!checked.ok) return checked;
  const [, bucket = "", , encodedKey = ""] = exchange.segments;
  if (bucket !== checked.token.bucket)
    return { ok: false, reply: failure(403, "bucket doesn't match with scope") };
  if (encodedKey === "~")
    return { ok: true, token: checked.token, bucket, encodedKey, key: undefined };
  const key = urlsafeBase64DecodeText(encodedKey);
  if (key === undefined) return { ok: false, reply: failure(400, "invalid object name") };
  return { ok: true, token: checked.token, bucket, encodedKey, key };
}

/** The upload of the path, if it is live and for the same object. */
function findUpload(exchange: Exchange, encodedKey: string): MultipartUpload | undefined {
  const upload = exchange.ctx.uploads.upload(exchange.segments[5] ?? "");
  return upload?.encodedKey === encodedKey && upload.bucket === exchange.segments[1]
    ? upload
    : undefined;
}

/**
 * `POST /buckets/<bucket>/objects/<enc>/uploads`: starts a multipart upload.
 *
 * @returns `{uploadId, expireAt}`.
 */
export async function initiateUpload(exchange: Exchange): Promise<Reply> {
  const found = await target(exchange);
  if (!found.ok) return found.reply;
  const { catalog, uploads } = exchange.ctx;
  if (catalog.bucket(found.bucket) === undefined) return failure(631, "no such bucket");
  if (found.key !== undefined) {
    const outside = checkScope(found.token.policy, found.key);
    if (outside !== undefined) return outside;
  }
  await uploads.sweep();

  const upload: MultipartUpload = {
    id: UploadSessions.newId(16),
    bucket: found.bucket,
    encodedKey: found.encodedKey,
    key: found.key,
    parts: new Map(),
    expireAt: Math.floor(Date.now() / 1000) + sessionLifetime,
  };
  uploads.uploads.set(upload.id, upload);
  return json(200, { uploadId: upload.id, expireAt: upload.expireAt });
}

/**
 * `PUT …/uploads/<id>/<partNumber>`: stores a part, checking a hex `Content-MD5` when given.
 *
 * @returns `{etag, md5}`.
 */
export async function uploadPart(exchange: Exchange): Promise<Reply> {
  const found = await target(exchange);
  if (!found.ok) return found.reply;
  const upload = findUpload(exchange, found.encodedKey);
  if (upload === undefined) return noSuchUpload();
  const partNumber = Number(exchange.segments[6]);
  if (!/^\d+$/.test(exchange.segments[6] ?? "") || partNumber < 1 || partNumber > 10_000) {
    return failure(400, "invalid partNumber");
  }

  // The bytes and their checks.
  const bytes = await exchange.body.bytes(maxPartBytes);
  if (bytes === undefined) return failure(413, "part is larger than 1 GiB");
  const md5 = md5Hex(bytes);
  const expected = contentMd5(header(exchange, "content-md5"));
  if (expected !== undefined && expected !== md5) {
    return failure(400, "Content-MD5 does not match the part");
  }

  // The part replaces any earlier one with its number.
  const { digest } = await etagDigest(bytes);
  const blob = await exchange.ctx.catalog.store.writeBlob(bytes, { scratch: true });
  const etag = urlsafeBase64Encode(digest);
  const previous = upload.parts.get(partNumber);
  upload.parts.set(partNumber, {
    blob,
    size: bytes.length,
    etag,
    digest,
    md5,
    putTime: Math.floor(Date.now() / 1000),
  });
  if (previous !== undefined) await exchange.ctx.catalog.store.deleteBlob(previous.blob);
  return json(200, { etag, md5 });
}

/** A `Content-MD5` as lower-case hex: sent as hex by the SDKs, or as base64 (RFC 1864). */
function contentMd5(value: string | undefined): string | undefined {
  const text = value?.trim() ?? "";
  if (text === "") return undefined;
  if (/^[0-9a-fA-F]{32}$/.test(text)) return text.toLowerCase();
  const bytes = urlsafeBase64Decode(text);
  return bytes?.length === 16 ? Buffer.from(bytes).toString("hex") : text;
}

const completeSchema = z.object({
  parts: z.array(z.object({ etag: z.string(), partNumber: z.int() })),
  fname: z.optional(z.nullable(z.string())),
  mimeType: z.optional(z.nullable(z.string())),
  customVars: z.optional(z.nullable(z.record(z.string(), z.string()))),
  metadata: z.optional(z.nullable(z.record(z.string(), z.string()))),
});

/**
 * `POST …/uploads/<id>` with `{parts, fname, mimeType, customVars, metadata}`: joins the parts
 * into the object. Parts must be ascending; all but the last from 1 MiB to 1 GiB.
 *
 * @returns The upload's answer, or 400 / 612.
 */
export async function completeUpload(exchange: Exchange): Promise<Reply> {
  const found = await target(exchange);
  if (!found.ok) return found.reply;
  const upload = findUpload(exchange, found.encodedKey);
  if (upload === undefined) return noSuchUpload();

  // The request body.
  const raw = await exchange.body.bytes(16 * MiB);
  if (raw === undefined) return failure(413, "request entity too large");
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    return failure(400, "invalid JSON body");
  }
  const checked = check(completeSchema, parsed);
  if (!checked.ok) return failure(400, "invalid complete request");
  const request = checked.value;

  // The parts, checked against what was uploaded.
  const parts = [];
  for (const [i, { etag, partNumber }] of request.parts.entries()) {
    const part = upload.parts.get(partNumber);
    if (i > 0 && partNumber <= request.parts[i - 1]!.partNumber) {
      return failure(400, "parts must be in ascending order");
    }
    if (part === undefined || part.etag !== etag) return failure(400, `invalid part ${partNumber}`);
    const last = i === request.parts.length - 1;
    if (!last && (part.size < MiB || part.size > maxPartBytes)) {
      return failure(400, `part ${partNumber}: every part but the last must be 1 MiB to 1 GiB`);
    }
    parts.push(part);
  }

  // One blob of the whole content, then the object.
  const store = exchange.ctx.catalog.store;
  const blob = await store.concatBlobs(parts.map((part) => part.blob));
  const sizes = parts.map((part) => part.size);
  const hash = await etagFromParts(
    parts.map((part) => part.digest),
    sizes,
  );
  const { customVars } = splitFields(Object.entries(request.customVars ?? {}));
  const { meta } = splitFields(Object.entries(request.metadata ?? {}));
  const reply = await commitUpload(exchange, {
    token: found.token,
    key: found.key,
    content: { blob, fsize: sizes.reduce((a, b) => a + b, 0), hash, parts: sizes },
    mimeType: request.mimeType ?? undefined,
    fname: request.fname ?? undefined,
    customVars,
    meta,
    api: "v2",
  });
  if (reply.status === 200 || reply.status === 579 || reply.status === 303) {
    await exchange.ctx.uploads.releaseUpload(upload.id);
  }
  return reply;
}

/**
 * `GET …/uploads/<id>?max-parts=&part-number_marker=`: the parts uploaded so far.
 *
 * @returns `{uploadId, expireAt, partNumberMarker, parts}`.
 */
export async function listParts(exchange: Exchange): Promise<Reply> {
  const found = await target(exchange);
  if (!found.ok) return found.reply;
  const upload = findUpload(exchange, found.encodedKey);
  if (upload === undefined) return noSuchUpload();
  const max = Math.min(1000, Math.max(1, Number(exchange.query.get("max-parts") ?? 1000) || 1000));
  const marker = Number(exchange.query.get("part-number_marker") ?? 0) || 0;

  const numbers = [...upload.parts.keys()].filter((n) => n > marker).sort((a, b) => a - b);
  const page = numbers.slice(0, max);
  return json(200, {
    uploadId: upload.id,
    expireAt: upload.expireAt,
    partNumberMarker: numbers.length > max ? page[page.length - 1] : 0,
    parts: page.map((n) => {
      const part = upload.parts.get(n)!;
      return { partNumber: n, size: part.size, etag: part.etag, putTime: part.putTime };
    }),
  });
}

/**
 * `DELETE …/uploads/<id>`: drops an upload and its parts.
 *
 * @returns 200, or 612 for an unknown upload.
 */
export async function abortUpload(exchange: Exchange): Promise<Reply> {
  const found = await target(exchange);
  if (!found.ok) return found.reply;
  const upload = findUpload(exchange, found.encodedKey);
  if (upload === undefined) return noSuchUpload();
  await exchange.ctx.uploads.releaseUpload(upload.id);
  return empty(200);
}
