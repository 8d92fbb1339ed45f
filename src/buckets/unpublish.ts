import type { Client } from "../client.ts";
import { callRaw } from "../http/callService.ts";
import { fail, ok, type Result } from "../result.ts";
import { checkOptions } from "../validate.ts";
import { checkDomain, domainPath } from "./domain.ts";

/** Options of {@link unpublish}. */
export interface UnpublishOptions {
  signal?: AbortSignal | undefined;
}

/**
 * Unbinds a download domain: takes it offline, then deletes it.
 *
 * @param client - The client whose bucket the domain serves.
 * @param domain - The bound domain.
 * @returns `{}`; `not_found` when the domain is not bound.
 * @example
 * const result = await unpublish(client, "cdn.example.com");
 * if (!result.ok) console.error(result.error.code);
 */
export async function unpublish(
  client: Client,
  domain: string,
  options?: UnpublishOptions,
): Promise<Result<Record<string, never>>> {
  const problem = checkDomain(domain) ?? checkOptions(options);
  if (problem !== undefined) return fail(problem);
  const path = domainPath(domain);
  const signal = options?.signal;

  const offline = await callRaw(client, "api", {
    method: "POST",
    path: `${path}/offline`,
    expect: "empty",
    idempotent: true,
    signal,
  });
  if (!offline.ok) return offline;

  const deleted = await callRaw(client, "api", {
    method: "DELETE",
    path,
    expect: "empty",
    idempotent: true,
    signal,
  });
  return deleted.ok ? ok({}) : deleted;
}
