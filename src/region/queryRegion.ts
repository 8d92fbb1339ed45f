import { defaultRetry, type Logger, type RetryOptions, toOrigin } from "../client.ts";
import { KodoError } from "../errors.ts";
import { abortedError } from "../http/attempt.ts";
import { request } from "../http/request.ts";
import { fail, ok, type Result } from "../result.ts";
import { type Infer, lazySchema } from "../schema.ts";
import { cachedRegions, type QueriedRegion } from "./regionCache.ts";
import { mapServices, type ServiceHosts } from "./regionTable.ts";

/** The options of {@link queryRegion}. */
export interface QueryRegionOptions {
  /** The query service, as an origin or `host[:port]`. */
  ucHost: string;
  accessKey: string;
  bucket: string;
  /** The scheme given to hosts that come without one. */
  useHttps: boolean;
  /** The fetch to use; `globalThis.fetch` at call time when absent. */
  fetch?: typeof fetch | undefined;
  signal?: AbortSignal | undefined;
  /** The limit of one attempt, 30 s by default. */
  timeoutMs?: number | undefined;
  retry?: Readonly<RetryOptions> | undefined;
  logger?: Logger | undefined;
}

/** A region of a bucket, with full origins per service. */
export interface DiscoveredRegion {
  /** The region id, when the service gives one. */
  id: string | undefined;
  /** How long the answer is kept, in seconds. */
  ttl: number;
  hosts: ServiceHosts;
}

const querySchema = lazySchema(() => import("./querySchema.ts").then((m) => m.querySchema));

/** One region of the query service's answer. */
type RegionEntry = Infer<typeof querySchema>["hosts"][number];

/** How long an answer without a ttl is kept, in seconds. */
const defaultTtl = 86_400;

/** The hosts of one service: its domains, then its older ones; accelerated ones need setting up. */
function serviceHosts(service: RegionEntry["up"]): string[] {
  const hosts = [...(service?.domains ?? []), ...(service?.old ?? [])];
  return [...new Set(hosts.filter((host) => host !== ""))];
}

function toRegion(entry: RegionEntry): QueriedRegion {
  return {
    id: entry.region ?? undefined,
    ttl: Math.max(0, entry.ttl ?? defaultTtl),
    hosts: mapServices((name) => serviceHosts(entry[name])),
  };
}

/** Asks the query service, without the caller's signal: the answer may serve other callers. */
async function ask(
  options: QueryRegionOptions,
  ucOrigin: string,
): Promise<Result<QueriedRegion[]>> {
  const query = new URLSearchParams({ ak: options.accessKey, bucket: options.bucket });
  const reply = await request(
    {
      fetch: options.fetch,
      timeoutMs: options.timeoutMs ?? 30_000,
      retry: options.retry ?? defaultRetry,
      logger: options.logger,
    },
    {
      method: "GET",
      hosts: [ucOrigin],
      path: `/v4/query?${query}`,
      idempotent: true,
      schema: querySchema,
    },
  );
  if (!reply.ok) return reply;

  if (reply.data.data.hosts.length === 0) {
    const message = `GET /v4/query: no region for the bucket ${options.bucket}`;
    return fail(new KodoError({ code: "invalid_response", message, reqId: reply.data.reqId }));
  }
  return ok(reply.data.data.hosts.map(toRegion));
}

/** Waits for a shared answer, or stops as soon as the caller's signal aborts. */
function unlessAborted<T>(
  shared: Promise<Result<T>>,
  signal: AbortSignal | undefined,
): Promise<Result<T>> {
  if (signal === undefined) return shared;
  const label = "GET /v4/query";
  if (signal.aborted) return Promise.resolve(fail(abortedError(label, signal.reason)));
  return new Promise((resolve) => {
    const onAbort = () => resolve(fail(abortedError(label, signal.reason)));
    signal.addEventListener("abort", onAbort, { once: true });
    shared.then((result) => {
      signal.removeEventListener("abort", onAbort);
      resolve(result);
    });
  });
}

/**
 * Finds the regions of a bucket through the query service (`GET /v4/query`, unsigned). Answers
 * are kept in memory for their ttl, keyed by query host, access key and bucket; concurrent
 * callers share one request; a failed query falls back to the last answer when there is one.
 *
 * @param options - The query host, access key, bucket and transport settings. Only the access
 *   key is needed, so a holder of an upload token can call it.
 * @returns The regions, primary first, with origins per service; `no_such_bucket` when the
 *   service does not know the bucket.
 * @example
 * const regions = await queryRegion({
 *   ucHost: "https://uc.qiniuapi.com", accessKey, bucket: "photos", useHttps: true,
 * });
 * if (regions.ok) console.log(regions.data[0]?.hosts.up);
 */
export async function queryRegion(
  options: QueryRegionOptions,
): Promise<Result<DiscoveredRegion[]>> {
  const ucOrigin = toOrigin(options.ucHost, options.useHttps);
  const key = `${ucOrigin} ${options.accessKey} ${options.bucket}`;
  const shared = cachedRegions(key, () => ask(options, ucOrigin));

  const result = await unlessAborted(shared, options.signal);
  if (!result.ok) return result;
  return ok(result.data.map((region) => withOrigins(region, options.useHttps)));
}

function withOrigins(region: QueriedRegion, useHttps: boolean): DiscoveredRegion {
  const hosts = mapServices((name) => region.hosts[name].map((host) => toOrigin(host, useHttps)));
  return { id: region.id, ttl: region.ttl, hosts };
}
