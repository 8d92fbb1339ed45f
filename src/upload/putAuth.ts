import { uploadToken } from "../auth/uploadToken.ts";
import type { Client } from "../client.ts";
import { invalidInput } from "../errors.ts";
import { resolveHosts } from "../region/resolveHosts.ts";
import { fail, ok, type Result } from "../result.ts";
import { checkKey, checkOptions } from "../validate.ts";
import type { UploadPolicy } from "./clientTarget.ts";

/** Options of {@link putAuth}: any put-policy field, and a few shortcuts. */
export interface PutAuthOptions extends UploadPolicy {
  /** Seconds the token stays valid (3600 by default). */
  expiresIn?: number | undefined;
  /** Limit the token to this key (overwrite allowed); any new key of the bucket by default. */
  key?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** What {@link putAuth} gives to a client that will upload. */
export interface PutAuthData {
  /** The upload host of the bucket's region: POST the form there. */
  url: string;
  /** The upload token. */
  token: string;
  /** Seconds the token stays valid. */
  expiresIn: number;
  /** Unix seconds at which it stops. */
  deadline: number;
}

/**
 * Signs an upload token, locally, and names the upload host a client should send to: what a
 * server hands to a browser or an app so that it uploads straight to Kodo. `putAuthEx` of the
 * classic SDK is this with `expiresIn` and `callbackUrl`.
 *
 * @param client - The client whose bucket will receive the upload.
 * @param options - Lifetime, key, callback and any other put-policy field.
 * @returns `{ url, token, expiresIn, deadline }`.
 * @example
 * const auth = await putAuth(client, { expiresIn: 600, callbackUrl: "https://example.com/cb" });
 * if (auth.ok) response.json(auth.data); // the browser uploads with uploadWithToken
 */
export async function putAuth(
  client: Client,
  options: PutAuthOptions = {},
): Promise<Result<PutAuthData>> {
  const invalid = checkOptions(options);
  if (invalid !== undefined) return fail(invalid);
  const { expiresIn = 3600, key, signal, ...policy } = options;
  const problem = key === undefined ? undefined : checkKey(key, "options.key");
  if (problem !== undefined) return fail(problem);
  if (!(Number.isInteger(expiresIn) && expiresIn > 0)) {
    return fail(invalidInput("options.expiresIn: expected a positive whole number of seconds"));
  }

  const deadline = Math.floor(Date.now() / 1000) + expiresIn;
  const scope = key === undefined ? client.bucket : `${client.bucket}:${key}`;
  const [token, hosts] = await Promise.all([
    uploadToken(client, { ...policy, scope, deadline }),
    resolveHosts(client, "up", { signal }),
  ]);
  if (!token.ok) return token;
  if (!hosts.ok) return hosts;
  return ok({ url: hosts.data[0]!, token: token.data, expiresIn, deadline });
}
