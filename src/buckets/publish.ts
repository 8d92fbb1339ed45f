import type { Client } from "../client.ts";
import { callRaw } from "../http/callService.ts";
import { fail, ok, type Result } from "../result.ts";
import { checkOptions } from "../validate.ts";
import { checkDomain, domainPath } from "./domain.ts";

/** Options of {@link publish}. */
export interface PublishOptions {
  signal?: AbortSignal | undefined;
}

/**
 * Binds a download domain to the client's bucket, so that `http://<domain>/<key>` serves its
 * objects. The domain may be a host name or a path form such as `host:port/bucket`.
 *
 * @param client - The client whose bucket the domain serves.
 * @param domain - The domain to bind, such as `cdn.example.com`.
 * @returns `{}`; `exists` (614) or the service's error when the domain is taken.
 * @example
 * const result = await publish(client, "cdn.example.com");
 * if (result.ok) console.log(`https://cdn.example.com/cat.jpg now serves cat.jpg`);
 */
export async function publish(
  client: Client,
  domain: string,
  options?: PublishOptions,
): Promise<Result<Record<string, never>>> {
  const problem = checkDomain(domain) ?? checkOptions(options);
  if (problem !== undefined) return fail(problem);

  const body = JSON.stringify({
    type: "normal",
    platform: "web",
    geoCover: "china",
    protocol: client.useHttps ? "https" : "http",
    source: { sourceType: "qiniuBucket", sourceQiniuBucket: client.bucket },
  });
  const reply = await callRaw(client, "api", {
    method: "POST",
    path: domainPath(domain),
    contentType: "application/json",
    body,
    expect: "empty",
    idempotent: false,
    signal: options?.signal,
  });
  return reply.ok ? ok({}) : reply;
}
