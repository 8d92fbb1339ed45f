import type { ServiceName } from "../client.ts";

/** The hosts of each service of a region, in order of preference. */
export type ServiceHosts = { [S in ServiceName]: string[] };

/** The ids of the regions whose hosts are known without asking the service. */
export const regionIds: readonly string[] = Object.freeze([
  "z0",
  "cn-east-2",
  "z1",
  "z2",
  "na0",
  "as0",
]);

/**
 * The published hosts of a region, without a scheme: accelerated upload first, then the plain
 * upload domains; `z0` drops the region from the upload and download names.
 *
 * @param regionId - One of {@link regionIds}, such as `"z0"` or `"cn-east-2"`.
 * @returns The hosts per service, or undefined for a region id not in the table.
 * @example
 * regionHosts("z1")?.rs // ["rs-z1.qiniuapi.com", "rs-z1.qbox.me"]
 */
export function regionHosts(regionId: string): ServiceHosts | undefined {
  if (!regionIds.includes(regionId)) return undefined;
  const suffix = regionId === "z0" ? "" : `-${regionId}`;
  return {
    up: [`upload${suffix}.qiniup.com`, `up${suffix}.qiniup.com`, `up${suffix}.qbox.me`],
    io: [`iovip${suffix}.qiniuio.com`, `iovip${suffix}.qbox.me`],
    rs: [`rs-${regionId}.qiniuapi.com`, `rs-${regionId}.qbox.me`],
    rsf: [`rsf-${regionId}.qiniuapi.com`, `rsf-${regionId}.qbox.me`],
    api: [`api-${regionId}.qiniuapi.com`, `api-${regionId}.qbox.me`],
    uc: ["uc.qiniuapi.com"],
  };
}

/**
 * Builds the hosts of every service from one function.
 *
 * @param hostsOf - Gives the hosts of one service.
 * @returns The hosts per service.
 * @example
 * const origins = mapServices((name) => table[name].map((host) => toOrigin(host, true)));
 */
export function mapServices(hostsOf: (service: ServiceName) => string[]): ServiceHosts {
  return {
    up: hostsOf("up"),
    io: hostsOf("io"),
    rs: hostsOf("rs"),
    rsf: hostsOf("rsf"),
    api: hostsOf("api"),
    uc: hostsOf("uc"),
  };
}
