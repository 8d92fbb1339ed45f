import type { EmulatorContext, Exchange } from "../exchange.ts";
import { empty, errors, failure, json, type Reply } from "../http/reply.ts";
import type { BucketRecord } from "../store/types.ts";
import { isReservedSegment } from "./reserved.ts";

/** Bucket names the service accepts: 3 to 63 of `a-z0-9-`, a letter or digit at both ends. */
const bucketName = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/**
 * Checks a new bucket's name.
 *
 * @returns A message when the name cannot be used.
 */
export function bucketNameProblem(name: string): string | undefined {
  if (!bucketName.test(name)) return "invalid bucket name";
  if (isReservedSegment(name))
    return `bucket name ${name} would shadow an API route of the emulator`;
  return undefined;
}

/** The default download domain of a bucket: `<first host>/<bucket>`, path form. */
export function defaultDomain(ctx: EmulatorContext, bucket: string): string {
  return `${ctx.hosts[0]}/${bucket}`;
}

/**
 * `GET /v4/query?ak=&bucket=` (no auth): the hosts of every service, all of them this server
 * under its two names so that clients can fail over from one to the other.
 *
 * @returns `{hosts: [{region, ttl, up, io, io_src, rs, rsf, api, uc, s3}]}`.
 */
export async function queryRegion(exchange: Exchange): Promise<Reply> {
  const { ctx, query } = exchange;
  const region = ctx.catalog.bucket(query.get("bucket") ?? "")?.region ?? "z0";
  const domains = { domains: [...ctx.hosts] };
  return json(200, {
    hosts: [
      {
        region,
        ttl: 86_400,
        up: { domains: [...ctx.hosts], old: [] },
        io: domains,
        io_src: domains,
        rs: domains,
        rsf: domains,
        api: domains,
        uc: domains,
        s3: { domains: [...ctx.hosts], region_alias: region === "z0" ? "cn-east-1" : region },
      },
    ],
  });
}

/** `GET /regions`: the regions the buckets use (z0 at least). */
export async function listRegions(exchange: Exchange): Promise<Reply> {
  const ids = new Set(["z0", ...exchange.ctx.catalog.buckets().map((bucket) => bucket.region)]);
  return json(200, { regions: [...ids].map((id) => ({ id, description: `emulated ${id}` })) });
}

/**
 * `GET|POST /buckets`: the bucket names; with `apiVersion=v4`, `{buckets: [{name, region,
 * private, ctime}], …}` filtered by `region`.
 */
export async function listBuckets(exchange: Exchange): Promise<Reply> {
  const { query } = exchange;
  const buckets = exchange.ctx.catalog.buckets().sort((a, b) => (a.name < b.name ? -1 : 1));
  if (query.get("apiVersion") !== "v4")
    return json(
      200,
      buckets.map((bucket) => bucket.name),
    );
  const region = query.get("region");
  const shown = buckets.filter((bucket) => !region || bucket.region === region);
  return json(200, {
    next_marker: "",
    is_truncated: false,
    buckets: shown.map((b) => ({
      name: b.name,
      region: b.region,
      private: b.private ? 1 : 0,
      ctime: new Date(b.ctime * 1000).toISOString(),
    })),
  });
}

/**
 * `POST /mkbucketv3/<bucket>[/region/<id>]` (also the older `/mkbucket/<bucket>`).
 *
 * @returns 200 `{}`; 400 for a bad name; 614 when the bucket exists.
 */
export async function createBucket(exchange: Exchange): Promise<Reply> {
  const [, name = "", regionLabel, region = "z0"] = exchange.segments;
  const shape =
    exchange.segments.length === 2 || (exchange.segments.length === 4 && regionLabel === "region");
  if (!shape || !/^[a-z0-9-]{1,32}$/.test(region)) return errors.invalidArgument();
  const problem = bucketNameProblem(name);
  if (problem !== undefined) return failure(400, problem);
  const { catalog } = exchange.ctx;
  if (catalog.bucket(name) !== undefined) return failure(614, "bucket exists");
  if (catalog.domains().some((domain) => domain.name.endsWith(`/${name}`))) {
    return failure(400, `a download domain already uses the path /${name}`);
  }
  const record: BucketRecord = {
    name,
    private: false,
    region,
    ctime: Math.floor(Date.now() / 1000),
  };
  await catalog.saveBucket(record);
  return json(200, {});
}

/**
 * `POST /drop/<bucket>`: deletes a bucket with its objects and domains.
 *
 * @returns 200 `{}`; 631.
 */
export async function dropBucket(exchange: Exchange): Promise<Reply> {
  const name = exchange.segments[1] ?? "";
  if (exchange.segments.length !== 2) return errors.invalidArgument();
  if (exchange.ctx.catalog.bucket(name) === undefined) return errors.noSuchBucket();
  await exchange.ctx.catalog.dropBucket(name);
  return json(200, {});
}

/** `GET|POST /v2/bucketInfo?bucket=`: a bucket's settings. */
export async function bucketInfo(exchange: Exchange): Promise<Reply> {
  const bucket = exchange.ctx.catalog.bucket(exchange.query.get("bucket") ?? "");
  if (bucket === undefined) return errors.noSuchBucket();
  return json(200, {
    private: bucket.private ? 1 : 0,
    region: bucket.region,
    zone: bucket.region,
    protected: 0,
    max_age: 0,
    no_index_page: 0,
    ...(bucket.mirror === undefined
      ? {}
      : { source: bucket.mirror.source, host: bucket.mirror.host ?? "" }),
  });
}

/** `POST /private?bucket=&private=0|1`: makes a bucket private or public. */
export async function setPrivate(exchange: Exchange): Promise<Reply> {
  const { query } = exchange;
  const flag = query.get("private");
  if (flag !== "0" && flag !== "1") return errors.invalidArgument();
  const bucket = exchange.ctx.catalog.bucket(query.get("bucket") ?? "");
  if (bucket === undefined) return errors.noSuchBucket();
  await exchange.ctx.catalog.saveBucket({ ...bucket, private: flag === "1" });
  return empty(200);
}

/**
 * `GET|POST /v2/domains?tbl=` (names) and `/v3/domains?tbl=` (objects): the bucket's default
 * path-form domain and the domains bound to it.
 */
export async function listDomains(exchange: Exchange): Promise<Reply> {
  const { ctx, query } = exchange;
  const name = query.get("tbl") ?? "";
  const bucket = ctx.catalog.bucket(name);
  if (bucket === undefined) return errors.noSuchBucket();
  const standard = defaultDomain(ctx, name);
  const bound = ctx.catalog
    .domains()
    .filter((domain) => domain.bucket === name && domain.online && domain.name !== standard);
  const all = [
    { name: standard, ctime: bucket.ctime, utime: bucket.ctime },
    ...bound.map((domain) => ({ name: domain.name, ctime: domain.ctime, utime: domain.utime })),
  ];
  if (exchange.segments[0] === "v2")
    return json(
      200,
      all.map((domain) => domain.name),
    );
  return json(
    200,
    all.map((domain) => ({
      domain: domain.name,
      tbl: name,
      owner: 1,
      refresh: false,
      ctime: domain.ctime,
      utime: domain.utime,
      antileech: { reqidkey: "", enable: 0, mode: 0, source: [], allow_empty_referer: true },
    })),
  );
}
