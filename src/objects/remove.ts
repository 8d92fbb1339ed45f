import { encodedEntry } from "../auth/entry.ts";
import type { Client } from "../client.ts";
import { callRaw } from "../http/callService.ts";
import { fail, ok, type Result } from "../result.ts";
import { checkKey, checkOptions } from "../validate.ts";

/** Options of {@link remove}. */
export interface RemoveOptions {
  signal?: AbortSignal | undefined;
}

/**
 * Deletes an object.
 *
 * @param client - The client whose bucket holds the object.
 * @param key - The object's key.
 * @returns `{}`; `not_found` (612) when there is no such object.
 * @example
 * const result = await remove(client, "old/cat.jpg");
 * if (!result.ok && result.error.code !== "not_found") throw result.error;
 */
export async function remove(
  client: Client,
  key: string,
  options?: RemoveOptions,
): Promise<Result<Record<string, never>>> {
  const problem = checkKey(key) ?? checkOptions(options);
  if (problem !== undefined) return fail(problem);

  const reply = await callRaw(client, "rs", {
    method: "POST",
    path: `/delete/${encodedEntry(client.bucket, key)}`,
    expect: "empty",
    idempotent: true,
    signal: options?.signal,
  });
  return reply.ok ? ok({}) : reply;
}
