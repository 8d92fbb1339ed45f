import { ok, type Result } from "../result.ts";
import type { ServiceHosts } from "./regionTable.ts";

/** A region as the query service described it, hosts still without a scheme. */
export interface QueriedRegion {
  /** The region id, when the answer gives one. */
  id: string | undefined;
  /** How long the answer may be kept, in seconds. */
  ttl: number;
  hosts: ServiceHosts;
}

interface Entry {
  regions: QueriedRegion[];
  expiresAt: number;
}

const entries = new Map<string, Entry>();
const inFlight = new Map<string, Promise<Result<QueriedRegion[]>>>();

/**
 * Answers from memory while the last answer for `key` is fresh; otherwise runs `load`, shared by
 * every caller that asks for the same key meanwhile. A failed load falls back to the last answer,
 * stale as it may be. Nothing is written to disk.
 *
 * @param key - What identifies the query: the query host, access key and bucket.
 * @param load - Asks the service; must not reject.
 * @returns The regions, primary first, or the load's error when nothing is cached.
 * @example
 * const regions = await cachedRegions(`${ucHost} ${accessKey} ${bucket}`, () => ask());
 */
export function cachedRegions(
  key: string,
  load: () => Promise<Result<QueriedRegion[]>>,
): Promise<Result<QueriedRegion[]>> {
  // Fresh in memory.
  const entry = entries.get(key);
  if (entry !== undefined && Date.now() < entry.expiresAt) {
    return Promise.resolve(ok(entry.regions));
  }

  // Already asked by someone else.
  const pending = inFlight.get(key);
  if (pending !== undefined) return pending;

  // Ask, keep the answer for the shortest ttl it gives, or fall back to the stale one.
  const flight = load().then((result) => {
    if (inFlight.get(key) === flight) inFlight.delete(key);
    if (result.ok) {
      const ttl = Math.min(...result.data.map((region) => region.ttl));
      entries.set(key, { regions: result.data, expiresAt: Date.now() + ttl * 1000 });
      return result;
    }
    const stale = entries.get(key);
    return stale === undefined ? result : ok(stale.regions);
  });
  inFlight.set(key, flight);
  return flight;
}

/**
 * Forgets every region answer kept in memory, so that the next operation asks again.
 *
 * @returns Nothing.
 * @example
 * clearRegionCache();
 */
export function clearRegionCache(): void {
  entries.clear();
}
