import type { Client } from "../client.ts";
import { callJson, dataOf } from "../http/callService.ts";
import { fail, type Result } from "../result.ts";
import { lazySchema } from "../schema.ts";
import { checkBucket, checkOptions } from "../validate.ts";

/** Options of {@link listDomains}. */
export interface ListDomainsOptions {
  /** The bucket whose domains to list; the client's bucket by default. */
  bucket?: string | undefined;
  signal?: AbortSignal | undefined;
}

const domainsSchema = lazySchema(() =>
  import("./listDomainsSchema.ts").then((m) => m.domainsSchema),
);

/**
 * Lists the download domains bound to a bucket.
 *
 * @param client - The client to ask with.
 * @param options - Another bucket than the client's, and a signal.
 * @returns The domain names, such as `["cdn.example.com"]`; path forms such as
 *   `"127.0.0.1:9400/photos"` may appear.
 * @example
 * const domains = await listDomains(client);
 * if (domains.ok) console.log(domains.data[0]);
 */
export async function listDomains(
  client: Client,
  options?: ListDomainsOptions,
): Promise<Result<string[]>> {
  const bucket = options?.bucket === undefined ? client.bucket : options.bucket;
  const problem = checkOptions(options) ?? checkBucket(bucket);
  if (problem !== undefined) return fail(problem);

  const reply = await callJson(client, "uc", {
    method: "GET",
    path: `/v2/domains?tbl=${encodeURIComponent(bucket)}`,
    schema: domainsSchema,
    idempotent: true,
    signal: options?.signal,
  });
  return dataOf(reply);
}
