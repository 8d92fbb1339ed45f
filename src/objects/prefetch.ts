import { encodedEntry } from "../auth/entry.ts";
import type { Client } from "../client.ts";
import { callRaw } from "../http/callService.ts";
import { fail, ok, type Result } from "../result.ts";
import { checkKey, checkOptions } from "../validate.ts";

/** Options of {@link prefetch}. */
export interface PrefetchOptions {
  signal?: AbortSignal | undefined;
}

/**
 * Refreshes an object from the bucket's mirror source (the origin a mirrored bucket copies
 * missing objects from): the service fetches `<source>/<key>` again and stores it.
 *
 * @param client - The client whose bucket has a mirror source.
 * @param key - The object's key, also its path on the source.
 * @param options - A signal.
 * @returns `{}`; `bad_request` (400) when the bucket has no mirror source, status 478
 *   (`service_error`) when the source cannot be fetched.
 * @example
 * const result = await prefetch(client, "images/banner.jpg");
 * if (!result.ok) console.error(result.error.message);
 */
export async function prefetch(
  client: Client,
  key: string,
  options?: PrefetchOptions,
): Promise<Result<Record<string, never>>> {
  const problem = checkKey(key) ?? checkOptions(options);
  if (problem !== undefined) return fail(problem);

  const reply = await callRaw(client, "io", {
    method: "POST",
    path: `/prefetch/${encodedEntry(client.bucket, key)}`,
    expect: "empty",
    idempotent: true,
    signal: options?.signal,
  });
  return reply.ok ? ok({}) : reply;
}
