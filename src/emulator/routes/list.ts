import { urlsafeBase64DecodeText, urlsafeBase64Encode } from "../../auth/base64.ts";
import { compareKeys } from "../catalog.ts";
import type { Exchange } from "../exchange.ts";
import { errors, failure, json, type Reply } from "../http/reply.ts";
import type { ObjectRecord } from "../store/types.ts";

/** A marker: base64 of `{"c":0,"k":"<last key listed>"}`, as the service's markers look. */
function encodeMarker(key: string): string {
  return urlsafeBase64Encode(JSON.stringify({ c: 0, k: key }));
}

/** The key a marker resumes after, `""` for none, or `undefined` when it is not a marker. */
function decodeMarker(marker: string): string | undefined {
  if (marker === "") return "";
  const text = urlsafeBase64DecodeText(marker);
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (
      typeof value === "object" &&
      value !== null &&
      "k" in value &&
      typeof value.k === "string"
    ) {
      return value.k;
    }
  } catch {
    // Falls through: not JSON.
  }
  return undefined;
}

/** The first index whose key sorts after `key` (binary search). */
function firstAfter(keys: readonly string[], key: string, inclusive: boolean): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const order = compareKeys(keys[mid]!, key);
    if (order < 0 || (order === 0 && !inclusive)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** A list item, as list v1 describes an object. */
function item(record: ObjectRecord): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    key: record.key,
    hash: record.hash,
    fsize: record.fsize,
    mimeType: record.mimeType,
    putTime: record.putTime,
    type: record.type,
    status: record.status,
  };
  if (record.endUser !== undefined) fields.endUser = record.endUser;
  if (record.md5 !== undefined) fields.md5 = record.md5;
  return fields;
}

/** One step of a listing: an object, or a common prefix standing for a group of keys. */
type Entry = { key: string; common?: string | undefined; marker: string };

/** The listing parameters of a request, or the error to answer. */
function listing(
  exchange: Exchange,
  maxLimit: number,
): { ok: true; entries: Entry[]; more: boolean; bucket: string } | { ok: false; reply: Reply } {
  const { query } = exchange;
  const { catalog } = exchange.ctx;
  const bucket = query.get("bucket") ?? "";
  if (catalog.bucket(bucket) === undefined) return { ok: false, reply: errors.noSuchBucket() };
  const prefix = query.get("prefix") ?? "";
  const delimiter = query.get("delimiter") ?? "";
  const after = decodeMarker(query.get("marker") ?? "");
  if (after === undefined) return { ok: false, reply: failure(640, "invalid marker") };
  const asked = Number.parseInt(query.get("limit") ?? "", 10);
  const limit = Number.isInteger(asked) && asked >= 1 && asked <= maxLimit ? asked : maxLimit;

  // Walk the keys after the marker (or from the prefix) while they start with the prefix.
  const keys = catalog.keys(bucket);
  let at = after === "" ? firstAfter(keys, prefix, true) : firstAfter(keys, after, false);
  if (at < keys.length && compareKeys(keys[at]!, prefix) < 0) at = firstAfter(keys, prefix, true);
  const entries: Entry[] = [];
  while (at < keys.length && entries.length < limit) {
    const key = keys[at]!;
    if (!key.startsWith(prefix)) break;
    const cut = delimiter === "" ? -1 : key.indexOf(delimiter, prefix.length);

    // A key below a delimiter stands for its whole group: skip to the group's last key.
    if (cut >= 0) {
      const common = key.slice(0, cut + delimiter.length);
      while (at + 1 < keys.length && keys[at + 1]!.startsWith(common)) at += 1;
      entries.push({ key: keys[at]!, common, marker: encodeMarker(keys[at]!) });
    } else {
      entries.push({ key, marker: encodeMarker(key) });
    }
    at += 1;
  }
  const more = at < keys.length && keys[at]!.startsWith(prefix);
  return { ok: true, entries, more, bucket };
}

/**
 * `GET|POST /list?bucket=&prefix=&marker=&limit=&delimiter=` (rsf, v1): one page of keys in order,
 * keys sharing a prefix up to the delimiter folded into `commonPrefixes`.
 *
 * @param exchange - The request.
 * @returns `{marker, items, commonPrefixes?}`; 631 for an unknown bucket, 640 for a bad marker.
 */
export async function listObjects(exchange: Exchange): Promise<Reply> {
  const found = listing(exchange, 1000);
  if (!found.ok) return found.reply;
  const { catalog } = exchange.ctx;
  const items: Record<string, unknown>[] = [];
  const commonPrefixes: string[] = [];
  for (const entry of found.entries) {
    if (entry.common !== undefined) commonPrefixes.push(entry.common);
    else items.push(item(catalog.object(found.bucket, entry.key)!));
  }
  const last = found.entries.at(-1);
  const body: Record<string, unknown> = { marker: found.more && last ? last.marker : "", items };
  if ((exchange.query.get("delimiter") ?? "") !== "") body.commonPrefixes = commonPrefixes;
  return json(200, body);
}

/**
 * `GET|POST /v2/list?bucket=&prefix=&marker=&limit=&delimiter=` (rsf, v2, deprecated): the same
 * walk as v1 (a limit of 0 lists everything), as lines of `{"item","marker","dir"}` JSON.
 *
 * @param exchange - The request.
 * @returns The lines; 631 for an unknown bucket, 640 for a bad marker.
 */
export async function listObjectsV2(exchange: Exchange): Promise<Reply> {
  const found = listing(exchange, Number.MAX_SAFE_INTEGER);
  if (!found.ok) return found.reply;
  const { catalog } = exchange.ctx;
  const lines = found.entries.map((entry, i) => {
    const last = i === found.entries.length - 1;
    const marker = last && !found.more ? "" : entry.marker;
    if (entry.common !== undefined) {
      return JSON.stringify({ item: null, marker, dir: entry.common });
    }
    const record = catalog.object(found.bucket, entry.key)!;
    return JSON.stringify({ item: item(record), marker, dir: "" });
  });
  const body = lines.map((line) => `${line}\n`).join("");
  return { status: 200, headers: { "Content-Type": "application/json" }, body };
}
