import { type Client, type ServiceName, toOrigin } from "../client.ts";
import { invalidInput, KodoError } from "../errors.ts";
import { fail, ok, type Result } from "../result.ts";
import { type QueryRegionOptions, queryRegion } from "./queryRegion.ts";
import { regionHosts, regionIds } from "./regionTable.ts";

/** The options of {@link resolveHosts}. */
export interface ResolveHostsOptions {
  signal?: AbortSignal | undefined;
}

/**
 * Finds the origins of a service for a client's bucket, in failover order: the client's explicit
 * hosts when it gives some for the service, else the published hosts of its region id, else the
 * hosts the query service gives (primary region first, then its backups). The `uc` service is
 * the client's `ucHost` unless explicit hosts say otherwise.
 *
 * @param client - The client whose region settings and bucket are used.
 * @param service - The service to reach: `up`, `io`, `rs`, `rsf`, `api` or `uc`.
 * @param options - A signal that stops a pending region query.
 * @returns Origins such as `https://rs-z0.qiniuapi.com`; `invalid_input` for an unknown region
 *   id, the query's error (`no_such_bucket` among others) when discovery fails.
 * @example
 * const hosts = await resolveHosts(client, "rs");
 * if (hosts.ok) await request(client, { method: "GET", hosts: hosts.data, path, ... });
 */
export async function resolveHosts(
  client: Client,
  service: ServiceName,
  options?: ResolveHostsOptions,
): Promise<Result<string[]>> {
  const origins = (hosts: readonly string[]) =>
    hosts.map((host) => toOrigin(host, client.useHttps));
  const region = client.region;

  // Hosts given by the caller win.
  const explicit = typeof region === "object" ? region[service] : undefined;
  if (explicit !== undefined && explicit.length > 0) return ok(origins(explicit));
  if (service === "uc") return ok([client.ucHost]);

  // A region id names published hosts.
  if (typeof region === "string") {
    const table = regionHosts(region);
    if (table !== undefined) return ok(origins(table[service]));
    const known = regionIds.join(", ");
    return fail(invalidInput(`unknown region "${region}": use one of ${known} or explicit hosts`));
  }

  // Otherwise ask the query service.
  return queriedHosts(
    {
      ucHost: client.ucHost,
      accessKey: client.accessKey,
      bucket: client.bucket,
      useHttps: client.useHttps,
      fetch: client.fetch,
      signal: options?.signal,
      timeoutMs: client.timeoutMs,
      retry: client.retry,
      logger: client.logger,
    },
    service,
  );
}

/**
 * Asks the query service for a bucket's hosts of one service, in failover order (primary region
 * first, then its backups), without repeats.
 *
 * @param query - Where to ask, for which access key and bucket, over which transport.
 * @param service - The service whose hosts are wanted.
 * @returns The origins; `invalid_response` when the answer names none.
 * @example
 * const hosts = await queriedHosts({ ucHost, accessKey, bucket, ...transport }, "up");
 */
export async function queriedHosts(
  query: QueryRegionOptions,
  service: ServiceName,
): Promise<Result<string[]>> {
  const regions = await queryRegion(query);
  if (!regions.ok) return regions;
  const found = [...new Set(regions.data.flatMap((entry) => entry.hosts[service]))];
  if (found.length > 0) return ok(found);
  const message = `GET /v4/query: no ${service} host for the bucket ${query.bucket}`;
  return fail(new KodoError({ code: "invalid_response", message }));
}
