import type { Client } from "../client.ts";
import { callJson } from "../http/callService.ts";
import { fail, ok, type Result } from "../result.ts";
import { lazySchema } from "../schema.ts";
import { checkBucket, checkOptions } from "../validate.ts";

/** Options of {@link getBucketInfo}. */
export interface GetBucketInfoOptions {
  /** The bucket to describe; the client's bucket by default. */
  bucket?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** What {@link getBucketInfo} tells about a bucket. */
export interface BucketInfoData {
  /** Downloads need a signed URL. */
  private: boolean;
  /** The region id, such as `"z0"`, when the service names it. */
  region: string | undefined;
}

const infoSchema = lazySchema(() => import("./getBucketInfoSchema.ts").then((m) => m.infoSchema));

/**
 * Tells whether a bucket is private and which region holds it.
 *
 * @param client - The client to ask with.
 * @param options - Another bucket than the client's, and a signal.
 * @returns `{ private, region }`; `no_such_bucket` (631) for an unknown bucket.
 * @example
 * const info = await getBucketInfo(client);
 * if (info.ok && info.data.private) console.log("downloads need signed URLs");
 */
export async function getBucketInfo(
  client: Client,
  options?: GetBucketInfoOptions,
): Promise<Result<BucketInfoData>> {
  const bucket = options?.bucket === undefined ? client.bucket : options.bucket;
  const problem = checkOptions(options) ?? checkBucket(bucket);
  if (problem !== undefined) return fail(problem);

  const reply = await callJson(client, "uc", {
    method: "POST",
    path: `/v2/bucketInfo?bucket=${encodeURIComponent(bucket)}`,
    schema: infoSchema,
    idempotent: true,
    signal: options?.signal,
  });
  if (!reply.ok) return reply;
  const body = reply.data.data;
  return ok({ private: Boolean(body.private), region: body.region ?? body.zone });
}
