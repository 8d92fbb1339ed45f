import { encodedEntry } from "../auth/entry.ts";
import type { Client } from "../client.ts";
import { callJson } from "../http/callService.ts";
import { fail, ok, type Result } from "../result.ts";
import { checkKey, checkOptions } from "../validate.ts";
import { type StatData, statAnswer, toStatData } from "./statData.ts";

export type { StatData } from "./statData.ts";

/** Options of {@link stat}. */
export interface StatOptions {
  signal?: AbortSignal | undefined;
}

/**
 * Reads an object's size, hash, MIME type, write time, storage class and metadata.
 *
 * @param client - The client whose bucket holds the object.
 * @param key - The object's key.
 * @returns The object's {@link StatData}; `not_found` (612) when there is no such object.
 * @example
 * const result = await stat(client, "cat.jpg");
 * if (result.ok) console.log(result.data.fsize, result.data.mimeType);
 */
export async function stat(
  client: Client,
  key: string,
  options?: StatOptions,
): Promise<Result<StatData>> {
  const problem = checkKey(key) ?? checkOptions(options);
  if (problem !== undefined) return fail(problem);

  const reply = await callJson(client, "rs", {
    method: "GET",
    path: `/stat/${encodedEntry(client.bucket, key)}`,
    schema: statAnswer,
    idempotent: true,
    signal: options?.signal,
  });
  return reply.ok ? ok(toStatData(reply.data.data)) : reply;
}
