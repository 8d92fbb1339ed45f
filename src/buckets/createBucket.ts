import type { Client } from "../client.ts";
import { invalidInput, type KodoError } from "../errors.ts";
import { callRaw } from "../http/callService.ts";
import { fail, ok, type Result } from "../result.ts";
import { checkOptions } from "../validate.ts";

/** Options of {@link createBucket}. */
export interface CreateBucketOptions {
  /** The region id to create it in: `"z0"` (the default), `"z1"`, `"z2"`, `"na0"`, `"as0"` … */
  region?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** The names the service accepts for a new bucket. */
const bucketName = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/**
 * Creates a bucket. Bucket names are global: 3 to 63 characters of `a-z`, `0-9` and `-`,
 * starting and ending with a letter or a digit.
 *
 * @param client - The client whose keys will own the bucket.
 * @param name - The new bucket's name.
 * @param options - The region id (`"z0"` by default) and a signal.
 * @returns `{}`; `exists` (614) when the name is taken, `too_many_buckets` (630) when the
 *   account has as many buckets as it may.
 * @example
 * const result = await createBucket(client, "photos-eu", { region: "na0" });
 * if (!result.ok && result.error.code !== "exists") throw result.error;
 */
export async function createBucket(
  client: Client,
  name: string,
  options?: CreateBucketOptions,
): Promise<Result<Record<string, never>>> {
  const region = options?.region ?? "z0";
  const problem = checkName(name) ?? checkOptions(options) ?? checkRegion(region);
  if (problem !== undefined) return fail(problem);

  // Sent once: a repeat after a lost answer would report the bucket as existing.
  const reply = await callRaw(client, "uc", {
    method: "POST",
    path: `/mkbucketv3/${name}/region/${region}`,
    expect: "empty",
    idempotent: false,
    signal: options?.signal,
  });
  return reply.ok ? ok({}) : reply;
}

function checkName(name: unknown): KodoError | undefined {
  if (typeof name === "string" && bucketName.test(name)) return undefined;
  return invalidInput(
    "name: expected 3 to 63 of a-z, 0-9 and '-', starting and ending with a letter or digit",
  );
}

function checkRegion(region: unknown): KodoError | undefined {
  if (typeof region === "string" && /^[a-z0-9-]{2,32}$/.test(region)) return undefined;
  return invalidInput('options.region: expected a region id such as "z0"');
}
