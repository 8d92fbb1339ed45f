import type { Client } from "../client.ts";
import { callJson, dataOf } from "../http/callService.ts";
import { fail, type Result } from "../result.ts";
import { lazySchema } from "../schema.ts";
import { checkOptions } from "../validate.ts";

/** Options of {@link listBuckets}. */
export interface ListBucketsOptions {
  signal?: AbortSignal | undefined;
}

const bucketsSchema = lazySchema(() =>
  import("./listBucketsSchema.ts").then((m) => m.bucketsSchema),
);

/**
 * Lists the names of the account's buckets (the client's bucket is only used to find hosts when
 * they are not given).
 *
 * @param client - The client whose keys own the buckets.
 * @param options - A signal.
 * @returns The bucket names, such as `["photos", "backups"]`.
 * @example
 * const buckets = await listBuckets(client);
 * if (buckets.ok && !buckets.data.includes("backups")) await createBucket(client, "backups");
 */
export async function listBuckets(
  client: Client,
  options?: ListBucketsOptions,
): Promise<Result<string[]>> {
  const problem = checkOptions(options);
  if (problem !== undefined) return fail(problem);

  const reply = await callJson(client, "uc", {
    method: "GET",
    path: "/buckets",
    schema: bucketsSchema,
    idempotent: true,
    signal: options?.signal,
  });
  return dataOf(reply);
}
