import { urlsafeBase64DecodeText } from "../../auth/base64.ts";
import { decodeEntry } from "../../auth/entry.ts";
import { etagText as etag } from "../../etag/etag.ts";
import { mimeFromName } from "../../mime.ts";
import type { Exchange } from "../exchange.ts";
import { empty, errors, failure, json, type Reply } from "../http/reply.ts";
import type { ObjectRecord } from "../store/types.ts";

const maxFetchBytes = 1024 ** 3;
const fetchTimeoutMs = 30_000;

/** Downloads a URL into an object; `undefined` when the source cannot be read. */
async function download(
  url: string,
  host: string | undefined,
): Promise<{ bytes: Uint8Array; type: string | null } | { error: string }> {
  try {
    const headers: Record<string, string> = host === undefined ? {} : { Host: host };
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(fetchTimeoutMs) });
    if (!response.ok) return { error: `source answered ${response.status}` };
    const declared = Number(response.headers.get("content-length") ?? 0);
    if (declared > maxFetchBytes) return { error: "source is larger than 1 GiB" };
    const bytes = new Uint8Array(await response.arrayBuffer());
    return { bytes, type: response.headers.get("content-type") };
  } catch (error) {
    return {
      error: `source could not be fetched: ${error instanceof Error ? error.message : error}`,
    };
  }
}

/** Stores fetched bytes under a key (else the hash); `undefined` when the bucket went meanwhile. */
async function save(
  exchange: Exchange,
  bucket: string,
  key: string | undefined,
  bytes: Uint8Array,
  type: string | null,
): Promise<ObjectRecord | undefined> {
  const hash = await etag(bytes);
  const name = key ?? hash;
  const declared = type?.split(";")[0]?.trim();
  const record: ObjectRecord = {
    key: name,
    blob: await exchange.ctx.catalog.store.writeBlob(bytes),
    fsize: bytes.length,
    hash,
    mimeType: declared || (mimeFromName(name) ?? "application/octet-stream"),
    putTime: Date.now() * 10_000,
    type: 0,
    status: 0,
    meta: {},
  };
  if (await exchange.ctx.catalog.putObject(bucket, record)) return record;
  await exchange.ctx.catalog.store.deleteBlob(record.blob);
  return undefined;
}

/**
 * `POST /fetch/<b64 url>/to/<E>[/host/<b64 host>]` (io): stores what a URL serves.
 *
 * @returns `{hash, key, fsize, mimeType}`; 478 when the source fails; 631; 400.
 */
export async function fetchObject(exchange: Exchange): Promise<Reply> {
  const [, encodedUrl = "", to, encodedEntry = "", hostName, encodedHost] = exchange.segments;
  const url = urlsafeBase64DecodeText(encodedUrl);
  const entry = decodeEntry(encodedEntry);
  const hostGiven = exchange.segments.length === 6 && hostName === "host";
  const host = hostGiven ? urlsafeBase64DecodeText(encodedHost ?? "") : undefined;
  const shape = exchange.segments.length === 4 || hostGiven;
  if (
    !shape ||
    to !== "to" ||
    url === undefined ||
    entry === undefined ||
    (hostGiven && host === undefined)
  ) {
    return errors.invalidArgument();
  }
  if (!/^https?:\/\//i.test(url))
    return errors.invalidArgument("the source must be an http(s) URL");
  if (exchange.ctx.catalog.bucket(entry.bucket) === undefined) return errors.noSuchBucket();

  const fetched = await download(url, host);
  if ("error" in fetched) return failure(478, fetched.error);
  const record = await save(exchange, entry.bucket, entry.key, fetched.bytes, fetched.type);
  if (record === undefined) return errors.noSuchBucket();
  return json(200, {
    hash: record.hash,
    key: record.key,
    fsize: record.fsize,
    mimeType: record.mimeType,
  });
}

/**
 * `POST /prefetch/<E>` (io): refreshes an object from the bucket's mirror source.
 *
 * @returns 200; 400 when the bucket has no mirror source; 478 when the source fails.
 */
export async function prefetchObject(exchange: Exchange): Promise<Reply> {
  const entry = decodeEntry(exchange.segments[1] ?? "");
  if (exchange.segments.length !== 2 || entry === undefined || entry.key === undefined) {
    return errors.invalidArgument();
  }
  const bucket = exchange.ctx.catalog.bucket(entry.bucket);
  if (bucket === undefined) return errors.noSuchBucket();
  if (bucket.mirror === undefined) return failure(400, "no mirror source is set for this bucket");

  const source = `${bucket.mirror.source.replace(/\/+$/, "")}/${encodeURI(entry.key)}`;
  const fetched = await download(source, bucket.mirror.host);
  if ("error" in fetched) return failure(478, fetched.error);
  const record = await save(exchange, entry.bucket, entry.key, fetched.bytes, fetched.type);
  return record === undefined ? errors.noSuchBucket() : empty(200);
}

/**
 * `POST /image/<bucket>/from/<b64 url>[/host/<b64 host>]` (uc): sets the bucket's mirror source;
 * `POST /unimage/<bucket>` removes it.
 *
 * @returns 200; 631; 400.
 */
export async function setMirror(exchange: Exchange): Promise<Reply> {
  const [op, name = "", from, encodedUrl = "", hostName, encodedHost = ""] = exchange.segments;
  const bucket = exchange.ctx.catalog.bucket(name);
  if (op === "unimage") {
    if (exchange.segments.length !== 2) return errors.invalidArgument();
    if (bucket === undefined) return errors.noSuchBucket();
    await exchange.ctx.catalog.saveBucket({ ...bucket, mirror: undefined });
    return empty(200);
  }

  const source = urlsafeBase64DecodeText(encodedUrl);
  const hostGiven = exchange.segments.length === 6 && hostName === "host";
  const host = hostGiven ? urlsafeBase64DecodeText(encodedHost) : undefined;
  const shape = exchange.segments.length === 4 || hostGiven;
  if (!shape || from !== "from" || source === undefined || (hostGiven && host === undefined)) {
    return errors.invalidArgument();
  }
  if (bucket === undefined) return errors.noSuchBucket();
  await exchange.ctx.catalog.saveBucket({ ...bucket, mirror: { source, host } });
  return empty(200);
}
