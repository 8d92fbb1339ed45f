import { sign } from "../../auth/credentials.ts";
import { timingSafeEqual } from "../../auth/crypto.ts";
import type { Exchange } from "../exchange.ts";
import { header } from "../exchange.ts";
import { errors, failure, type Reply } from "../http/reply.ts";
import type { ObjectRecord } from "../store/types.ts";
import { domainKey } from "./domains.ts";

/** The bucket a download request is for, and the path segments of the key. */
export interface DownloadTarget {
  bucket: string;
  keySegments: readonly string[];
}

/**
 * Finds the bucket of a GET: a host-form domain bound to the `Host`, a path-form domain
 * (`<host>/<path>`), or the bucket's default domain (`/<bucket>/<key>` on this server).
 *
 * @returns The target, or `undefined` when no bucket serves the request.
 */
export function downloadTarget(exchange: Exchange): DownloadTarget | undefined {
  const { catalog, hosts } = exchange.ctx;
  const host = exchange.host.toLowerCase();
  const served = (name: string) => {
    const domain = catalog.domain(name);
    return domain?.online === true && catalog.bucket(domain.bucket) !== undefined
      ? domain
      : undefined;
  };

  // A host-form domain takes every path of its host.
  const byHost = served(host);
  if (byHost !== undefined) return { bucket: byHost.bucket, keySegments: exchange.segments };

  // A path-form domain. On this server's own names, any loopback host stands for this server, so
  // that a domain bound before a restart on another port still works.
  const [first = "", ...rest] = exchange.segments;
  const byPath = served(domainKey(`${host}/${first}`));
  if (byPath !== undefined) return { bucket: byPath.bucket, keySegments: rest };
  if (hosts.includes(host)) {
    const local = catalog
      .domains()
      .find((domain) => domain.name.endsWith(`/${first}`) && isLoopback(domain.name));
    const domain = local === undefined ? undefined : served(local.name);
    if (domain !== undefined) return { bucket: domain.bucket, keySegments: rest };
  }
  if (catalog.bucket(first) !== undefined) return { bucket: first, keySegments: rest };
  return undefined;
}

/** Whether a domain's host is this machine (`127.0.0.1`, `localhost` or `[::1]`, any port). */
function isLoopback(name: string): boolean {
  return /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(name);
}

/**
 * `GET|HEAD` of an object on a download domain: the stored bytes with their Content-Type and
 * ETag, `Range` (206), `attname` (Content-Disposition), and, for private buckets, the `e` and
 * `token` check (401).
 *
 * @param exchange - The request.
 * @param target - The bucket and key path found by {@link downloadTarget}.
 * @returns The object, or 401 / 403 / 404 / 416.
 */
export async function download(exchange: Exchange, target: DownloadTarget): Promise<Reply> {
  const { catalog } = exchange.ctx;
  let key: string;
  try {
    key = decodeURIComponent(target.keySegments.join("/"));
  } catch {
    return errors.invalidArgument("the key is not valid percent-encoding");
  }

  // Private buckets need a signed URL.
  const bucket = catalog.bucket(target.bucket)!;
  if (bucket.private) {
    const refused = await checkDownloadToken(exchange);
    if (refused !== undefined) return refused;
  }

  const record = catalog.object(target.bucket, key);
  if (record === undefined) return errors.notFound();
  if (record.status === 1) return failure(403, "file is disabled");
  if ((record.type === 2 || record.type === 3) && record.restoreStatus !== 2) {
    return failure(403, "file is archived, restore it before downloading");
  }
  return serve(exchange, record);
}

/** Checks `e` and `token` (the last parameter) against the URL as sent. */
async function checkDownloadToken(exchange: Exchange): Promise<Reply | undefined> {
  const raw = exchange.rawUrl;
  const at = raw.lastIndexOf("&token=");
  const deadline = Number(exchange.query.get("e"));
  if (at < 0 || !exchange.query.has("e")) return failure(401, "download token not specified");
  if (!Number.isInteger(deadline) || deadline * 1000 < Date.now()) {
    return failure(401, "token expired");
  }
  const token = raw.slice(at + "&token=".length);
  const expected = await sign(
    exchange.ctx.credentials,
    `http://${exchange.host}${raw.slice(0, at)}`,
  );
  const alternative = await sign(
    exchange.ctx.credentials,
    `https://${exchange.host}${raw.slice(0, at)}`,
  );
  if (!timingSafeEqual(token, expected) && !timingSafeEqual(token, alternative)) {
    return failure(401, "download token auth failed");
  }
  return undefined;
}

/** The response for an object: headers, then the whole body or the asked range. */
function serve(exchange: Exchange, record: ObjectRecord): Reply {
  const etag = `"${record.hash}"`;
  const headers: Record<string, string | number> = {
    "Content-Type": record.mimeType,
    ETag: etag,
    "Last-Modified": new Date(record.putTime / 10_000).toUTCString(),
    "Accept-Ranges": "bytes",
  };
  for (const [name, value] of Object.entries(record.meta)) {
    if (name.startsWith("!")) headers[name.slice(1)] = value;
    else headers[`X-Qn-Meta-${name}`] = value;
  }
  const attname = exchange.query.get("attname");
  if (attname !== null) headers["Content-Disposition"] = contentDisposition(attname || record.key);

  // A conditional GET.
  const tags = header(exchange, "if-none-match")
    ?.split(",")
    .map((tag) => tag.trim());
  if (tags?.some((tag) => tag === etag || tag === "*")) {
    return { status: 304, headers };
  }

  // One range (`bytes=a-b`, `bytes=a-`, `bytes=-n`); anything else gets the whole object.
  const range = parseRange(header(exchange, "range"), record.fsize);
  if (range === "unsatisfiable") {
    return { status: 416, headers: { ...headers, "Content-Range": `bytes */${record.fsize}` } };
  }
  const [start, end] = range ?? [0, record.fsize];
  if (range !== undefined) headers["Content-Range"] = `bytes ${start}-${end - 1}/${record.fsize}`;
  headers["Content-Length"] = end - start;
  const body =
    exchange.method === "HEAD" ? undefined : exchange.ctx.catalog.readObject(record, start, end);
  return { status: range === undefined ? 200 : 206, headers, body };
}

/** `[start, end)` of a single byte range, `undefined` for none or one not understood. */
function parseRange(
  value: string | undefined,
  size: number,
): [number, number] | "unsatisfiable" | undefined {
  const match = value === undefined ? null : /^\s*bytes=(\d*)-(\d*)\s*$/.exec(value);
  if (match === null || (match[1] === "" && match[2] === "")) return undefined;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0) return "unsatisfiable";
    return [Math.max(0, size - suffix), size];
  }
  const start = Number(match[1]);
  const last = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size) return "unsatisfiable";
  if (last < start) return undefined;
  return [start, last + 1];
}

/** `attachment` with the name in ASCII and, when needed, in UTF-8 (RFC 6266). */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return ascii === name
    ? `attachment; filename="${name}"`
    : `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
