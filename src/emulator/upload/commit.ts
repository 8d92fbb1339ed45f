import { urlsafeBase64Encode } from "../../auth/base64.ts";
import type { PutPolicy } from "../../auth/putPolicy.ts";
import type { ParsedUploadToken } from "../../auth/uploadToken.ts";
import { mimeFromName } from "../../mime.ts";
import { maxKeyBytes } from "../../validate.ts";
import type { Exchange } from "../exchange.ts";
import { errors, failure, json, type Reply } from "../http/reply.ts";
import { mimeAllowed } from "../mimeLimit.ts";
import type { ObjectRecord } from "../store/types.ts";
import { magicVariables, renderTemplate } from "../templates.ts";
import { sendCallback } from "./callback.ts";

const octetStream = "application/octet-stream";

/** The bytes of an upload, already in a blob, and their digests. */
export interface UploadedContent {
  blob: string;
  fsize: number;
  hash: string;
  md5?: string | undefined;
  parts?: number[] | undefined;
}

/** Everything an upload says about the object it creates. */
export interface UploadRequest {
  token: ParsedUploadToken;
  /** The key the client asked for; `undefined` when it gave none. */
  key: string | undefined;
  content: UploadedContent;
  /** The mime type the client gave, if any. */
  mimeType?: string | undefined;
  fname?: string | undefined;
  /** Custom variables, names with their `x:` prefix. */
  customVars: Record<string, string>;
  /** `x-qn-meta-*` metadata, names without the prefix. */
  meta: Record<string, string>;
  /** Which upload API: v1 `mkfile` overwrites under a bucket scope unless `insertOnly`. */
  api: "form" | "v1" | "v2";
}

/**
 * Sorts the fields of an upload into custom variables (`x:…`, names kept) and metadata
 * (`x-qn-meta-…`, names without the prefix); other fields are left out.
 *
 * @param fields - Names and values, as the request gave them.
 * @returns The custom variables and the metadata.
 * @example
 * splitFields([["x:album", "summer"], ["x-qn-meta-owner", "ann"]]).meta // { owner: "ann" }
 */
export function splitFields(fields: Iterable<readonly [string, string]>): {
  customVars: Record<string, string>;
  meta: Record<string, string>;
} {
  const customVars: Record<string, string> = {};
  const meta: Record<string, string> = {};
  for (const [name, value] of fields) {
    if (name.startsWith("x:")) customVars[name] = value;
    else if (name.toLowerCase().startsWith("x-qn-meta-")) meta[name.slice(10)] = value;
  }
  return { customVars, meta };
}

/**
 * Checks that a key is inside the scope of an upload token.
 *
 * @returns `undefined` when it is, else 403 `key doesn't match with scope`.
 */
export function checkScope(policy: PutPolicy, key: string): Reply | undefined {
  const colon = policy.scope.indexOf(":");
  if (colon < 0) return undefined;
  const scoped = policy.scope.slice(colon + 1);
  const inside = policy.isPrefixalScope === 1 ? key.startsWith(scoped) : key === scoped;
  return inside ? undefined : failure(403, "key doesn't match with scope");
}

/** Whether an upload under this policy may not replace an object with other content. */
function insertOnly(policy: PutPolicy, api: UploadRequest["api"]): boolean {
  if (policy.insertOnly === 1) return true;
  if (!policy.scope.includes(":")) return api !== "v1";
  return policy.isPrefixalScope === 1;
}

/**
 * Ends an upload the way the service does: resolves the key (saveKey, the client's key, or the
 * hash), applies the put policy's checks, stores the object, then answers with the returnBody,
 * the callback's answer, or `{hash, key}`. The blob is deleted when the upload is refused.
 *
 * @param exchange - The upload request.
 * @param upload - The content and what the client said about it.
 * @returns The reply for the uploader.
 */
export async function commitUpload(exchange: Exchange, upload: UploadRequest): Promise<Reply> {
  const reply = await store(exchange, upload);
  if (reply.stored === undefined) await exchange.ctx.catalog.store.deleteBlob(upload.content.blob);
  return reply.reply;
}

async function store(
  exchange: Exchange,
  upload: UploadRequest,
): Promise<{ reply: Reply; stored?: ObjectRecord | undefined }> {
  const { catalog } = exchange.ctx;
  const { policy, bucket } = upload.token;
  const { content } = upload;

  // The bucket and the size limits.
  if (catalog.bucket(bucket) === undefined) return { reply: errors.noSuchBucket() };
  if (policy.fsizeLimit !== undefined && content.fsize > policy.fsizeLimit) {
    return { reply: failure(413, "exceed FsizeLimit") };
  }
  if (policy.fsizeMin !== undefined && content.fsize < policy.fsizeMin) {
    return { reply: failure(403, "fsize smaller than fsizeMin") };
  }

  // The key: saveKey when forced or when the client gave none, else the client's, else the hash.
  const putTime = new Date();
  const named = mimeOf(policy, upload.mimeType, upload.fname);
  const facts = {
    bucket,
    hash: content.hash,
    fsize: content.fsize,
    fname: upload.fname,
    endUser: policy.endUser,
    putTime,
    customVars: upload.customVars,
  };
  let key = upload.key;
  if (policy.saveKey !== undefined && (policy.forceSaveKey === true || key === undefined)) {
    const lookup = magicVariables({ ...facts, key: "", mimeType: named ?? octetStream });
    key = renderTemplate(policy.saveKey, lookup, "raw");
  }
  key ??= content.hash;
  const mimeType = named ?? mimeFromName(key) ?? octetStream;

  // The policy's checks on the key and the type.
  const outside = checkScope(policy, key);
  if (outside !== undefined) return { reply: outside };
  if (new TextEncoder().encode(key).length > maxKeyBytes) {
    return { reply: failure(400, "key too long") };
  }
  if (policy.mimeLimit !== undefined && !mimeAllowed(policy.mimeLimit, mimeType)) {
    return { reply: failure(403, `mimeType not allowed: ${mimeType}`) };
  }

  // An existing key: refused when insert-only, unless the content is the same.
  const existing = catalog.object(bucket, key);
  let stored: ObjectRecord | undefined;
  if (existing !== undefined && insertOnly(policy, upload.api)) {
    if (existing.hash !== content.hash) return { reply: errors.fileExists() };
  } else {
    stored = {
      key,
      blob: content.blob,
      fsize: content.fsize,
      hash: content.hash,
      md5: content.md5,
      mimeType,
      putTime: putTime.getTime() * 10_000,
      type: policy.fileType ?? 0,
      status: 0,
      endUser: policy.endUser,
      meta: upload.meta,
      lifecycle: policy.deleteAfterDays ? { deleteAfterDays: policy.deleteAfterDays } : undefined,
      parts: content.parts,
    };
    if (!(await catalog.putObject(bucket, stored))) return { reply: errors.noSuchBucket() };
  }

  // The answer: the callback's, the returnBody, or the default.
  const lookup = magicVariables({ ...facts, key, mimeType });
  return { reply: await answer(exchange, upload, lookup, { hash: content.hash, key }), stored };
}

/** The client's type unless the policy says to detect it, else the type of the file name. */
function mimeOf(
  policy: PutPolicy,
  given: string | undefined,
  fname: string | undefined,
): string | undefined {
  const clean = given?.trim();
  if (policy.detectMime !== 1 && clean && clean.toLowerCase() !== octetStream) return clean;
  return fname === undefined ? undefined : mimeFromName(fname);
}

async function answer(
  exchange: Exchange,
  upload: UploadRequest,
  lookup: (name: string) => unknown,
  fallback: { hash: string; key: string },
): Promise<Reply> {
  const { policy } = upload.token;

  if (policy.callbackUrl !== undefined && policy.callbackUrl !== "") {
    const asJson = policy.callbackBodyType?.startsWith("application/json") === true;
    const outcome = await sendCallback(exchange.ctx.credentials, {
      urls: policy.callbackUrl,
      host: policy.callbackHost,
      body: renderTemplate(policy.callbackBody ?? "", lookup, asJson ? "json" : "form"),
      contentType: asJson ? "application/json" : "application/x-www-form-urlencoded",
      timeoutMs: exchange.ctx.callbackTimeoutMs,
    });
    if (!outcome.ok) return failure(579, outcome.message);
    return { status: 200, headers: { "Content-Type": "application/json" }, body: outcome.body };
  }

  const body =
    policy.returnBody === undefined
      ? JSON.stringify(fallback)
      : renderTemplate(policy.returnBody, lookup, "json");
  if (upload.api === "form" && policy.returnUrl !== undefined && policy.returnUrl !== "") {
    const joiner = policy.returnUrl.includes("?") ? "&" : "?";
    const location = `${policy.returnUrl}${joiner}upload_ret=${urlsafeBase64Encode(body)}`;
    return { status: 303, headers: { Location: location } };
  }
  return { ...json(200, null), body };
}
