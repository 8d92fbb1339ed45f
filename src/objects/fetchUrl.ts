import { urlsafeBase64Encode } from "../auth/base64.ts";
import { encodedEntry } from "../auth/entry.ts";
import type { Client } from "../client.ts";
import { invalidInput, type KodoError } from "../errors.ts";
import { callJson } from "../http/callService.ts";
import { fail, ok, type Result } from "../result.ts";
import { lazySchema } from "../schema.ts";
import { checkKey, checkOptions } from "../validate.ts";

/** Options of {@link fetchUrl}. */
export interface FetchUrlOptions {
  signal?: AbortSignal | undefined;
}

/** The object {@link fetchUrl} stored. */
export interface FetchUrlData {
  key: string;
  hash: string;
  fsize: number;
  mimeType: string;
}

const fetchedSchema = lazySchema(() => import("./fetchUrlSchema.ts").then((m) => m.fetchedSchema));

/**
 * Has the service download a URL into the client's bucket: the bytes travel from the source to
 * Kodo without passing through the caller.
 *
 * @param client - The client whose bucket receives the object.
 * @param url - The http(s) URL to fetch.
 * @param key - The key to store it under; the content's hash when absent. An existing object is
 *   replaced.
 * @param options - A signal.
 * @returns The stored object's `{ key, hash, fsize, mimeType }`; status 478 (`service_error`)
 *   when the source cannot be fetched, `no_such_bucket` (631) for an unknown bucket.
 * @example
 * const result = await fetchUrl(client, "https://example.com/logo.png", "brand/logo.png");
 * if (result.ok) console.log(result.data.fsize, result.data.mimeType);
 */
export async function fetchUrl(
  client: Client,
  url: string,
  key?: string,
  options?: FetchUrlOptions,
): Promise<Result<FetchUrlData>> {
  const problem =
    checkUrl(url) ?? (key === undefined ? undefined : checkKey(key)) ?? checkOptions(options);
  if (problem !== undefined) return fail(problem);

  const reply = await callJson(client, "io", {
    method: "POST",
    path: `/fetch/${urlsafeBase64Encode(url)}/to/${encodedEntry(client.bucket, key)}`,
    schema: fetchedSchema,
    idempotent: true,
    signal: options?.signal,
  });
  if (!reply.ok) return reply;
  const { key: stored, hash, fsize, mimeType } = reply.data.data;
  return ok({ key: stored, hash, fsize, mimeType });
}

function checkUrl(url: unknown): KodoError | undefined {
  const bad = invalidInput("url: expected an absolute http(s) URL");
  if (typeof url !== "string" || !url.isWellFormed()) return bad;
  try {
    return /^https?:$/.test(new URL(url).protocol) ? undefined : bad;
  } catch {
    return bad;
  }
}
