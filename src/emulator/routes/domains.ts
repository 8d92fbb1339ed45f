import * as z from "zod/mini";
import { urlsafeBase64DecodeText } from "../../auth/base64.ts";
import { check } from "../../schema.ts";
import type { EmulatorContext, Exchange } from "../exchange.ts";
import { empty, errors, failure, json, type Reply } from "../http/reply.ts";
import type { DomainRecord } from "../store/types.ts";
import { isReservedSegment } from "./reserved.ts";

const hostPattern = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/;
const pathPattern = /^[A-Za-z0-9._~-]+$/;
const domainNotFound = () => failure(404, "domain not found");

/**
 * Checks a domain name: `host[:port]` (host form) or `host[:port]/<path>` (path form, one
 * segment that is neither an API route nor another bucket's name).
 *
 * @returns The name in lower case (the path keeps its case), or why it cannot be bound.
 */
function checkDomainName(
  ctx: EmulatorContext,
  raw: string,
  bucket: string,
): { ok: true; name: string } | { ok: false; message: string } {
  const slash = raw.indexOf("/");
  const host = (slash < 0 ? raw : raw.slice(0, slash)).toLowerCase();
  const path = slash < 0 ? undefined : raw.slice(slash + 1);
  if (!hostPattern.test(host)) return { ok: false, message: `invalid domain name ${raw}` };
  if (path === undefined && ctx.hosts.includes(host)) {
    return {
      ok: false,
      message: `${host} is the emulator's own address; bind a path form such as ${host}/${bucket}`,
    };
  }
  if (path === undefined) return { ok: true, name: host };
  if (!pathPattern.test(path)) return { ok: false, message: `invalid domain path in ${raw}` };
  if (isReservedSegment(path))
    return { ok: false, message: `domain path /${path} is an API route` };
  if (path !== bucket && ctx.catalog.bucket(path) !== undefined) {
    return { ok: false, message: `domain path /${path} is the name of another bucket` };
  }
  return { ok: true, name: `${host}/${path}` };
}

/** The key a domain is stored under: the host in lower case, the path as it is. */
export function domainKey(raw: string): string {
  const slash = raw.indexOf("/");
  return slash < 0 ? raw.toLowerCase() : `${raw.slice(0, slash).toLowerCase()}${raw.slice(slash)}`;
}

/** Decodes the `<name>` segment of `/domain/<name>`, percent-encoded. */
function domainSegment(exchange: Exchange): string | undefined {
  try {
    return decodeURIComponent(exchange.segments[1] ?? "");
  } catch {
    return undefined;
  }
}

const createSchema = z.looseObject({
  source: z.looseObject({
    sourceType: z.optional(z.string()),
    sourceQiniuBucket: z.string().check(z.minLength(1)),
  }),
});

/**
 * The domain API on the api host: `POST /domain/<name>` (JSON body naming
 * `source.sourceQiniuBucket`) binds, `POST /domain/<name>/offline` and `/online` switch,
 * `GET /domain/<name>` describes, `DELETE /domain/<name>` unbinds an offline domain.
 *
 * @param exchange - The request.
 * @param payload - The body.
 * @returns 200 with `{}` or the domain; 400; 404 `domain not found`; 631.
 */
export async function domainRoute(exchange: Exchange, payload: Uint8Array): Promise<Reply> {
  const { catalog } = exchange.ctx;
  const raw = domainSegment(exchange);
  const action = exchange.segments[2];
  if (raw === undefined || raw === "" || exchange.segments.length > 3)
    return errors.invalidArgument();
  const existing = catalog.domain(domainKey(raw));

  // Switching, describing, deleting: the domain must exist.
  if (action !== undefined || exchange.method !== "POST") {
    if (existing === undefined) return domainNotFound();
    if (exchange.method === "GET" && action === undefined)
      return json(200, describeDomain(existing));
    if (exchange.method === "DELETE" && action === undefined) {
      if (existing.online) return failure(400, "the domain must be offline before it is deleted");
      await catalog.deleteDomain(existing.name);
      return json(200, {});
    }
    if (exchange.method === "POST" && (action === "online" || action === "offline")) {
      const utime = Math.floor(Date.now() / 1000);
      await catalog.saveDomain({ ...existing, online: action === "online", utime });
      return json(200, {});
    }
    return errors.invalidArgument();
  }

  // Binding: a JSON body naming the source bucket.
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return failure(400, "invalid JSON body");
  }
  const checked = check(createSchema, body);
  if (!checked.ok) return failure(400, "source.sourceQiniuBucket is required");
  const bucket = checked.value.source.sourceQiniuBucket;
  if (catalog.bucket(bucket) === undefined) return errors.noSuchBucket();
  const name = checkDomainName(exchange.ctx, raw, bucket);
  if (!name.ok) return failure(400, name.message);
  if (catalog.domain(name.name) !== undefined) return failure(400, "domain already exists");
  const now = Math.floor(Date.now() / 1000);
  await catalog.saveDomain({ name: name.name, bucket, online: true, ctime: now, utime: now });
  return json(200, {});
}

function describeDomain(domain: DomainRecord): Record<string, unknown> {
  return {
    name: domain.name,
    type: "normal",
    platform: "web",
    geoCover: "china",
    protocol: "http",
    source: { sourceType: "qiniuBucket", sourceQiniuBucket: domain.bucket },
    operatingState: domain.online ? "success" : "offlined",
    createAt: new Date(domain.ctime * 1000).toISOString(),
    modifyAt: new Date(domain.utime * 1000).toISOString(),
  };
}

/**
 * The 2012 binding: `POST /publish/<E(domain)>/from/<bucket>` (binding twice is accepted).
 *
 * @returns 200 with no body; 400; 631.
 */
export async function publish(exchange: Exchange): Promise<Reply> {
  const [, encoded = "", from, bucket = ""] = exchange.segments;
  const raw = urlsafeBase64DecodeText(encoded);
  if (exchange.segments.length !== 4 || from !== "from" || raw === undefined) {
    return errors.invalidArgument();
  }
  const { catalog } = exchange.ctx;
  if (catalog.bucket(bucket) === undefined) return errors.noSuchBucket();
  const name = checkDomainName(exchange.ctx, raw, bucket);
  if (!name.ok) return failure(400, name.message);
  const now = Math.floor(Date.now() / 1000);
  const ctime = catalog.domain(name.name)?.ctime ?? now;
  await catalog.saveDomain({ name: name.name, bucket, online: true, ctime, utime: now });
  return empty(200);
}

/**
 * The 2012 unbinding: `POST /unpublish/<E(domain)>`.
 *
 * @returns 200 with no body; 599 `Document not found` for a domain not bound, as the 2012
 *   service answered.
 */
export async function unpublish(exchange: Exchange): Promise<Reply> {
  const raw = urlsafeBase64DecodeText(exchange.segments[1] ?? "");
  if (exchange.segments.length !== 2 || raw === undefined) return errors.invalidArgument();
  const { catalog } = exchange.ctx;
  const existing = catalog.domain(domainKey(raw));
  if (existing === undefined) return failure(599, "Document not found");
  await catalog.deleteDomain(existing.name);
  return empty(200);
}
