import { type ParsedUploadToken, parseUploadToken } from "../auth/uploadToken.ts";
import {
  type Logger,
  type RetryOptions,
  toOrigin,
  transportRules,
  transportSettings,
} from "../client.ts";
import { invalidInput, KodoError } from "../errors.ts";
import type { Transport } from "../http/request.ts";
import { queriedHosts } from "../region/resolveHosts.ts";
import { fail, ok, type Result } from "../result.ts";
import { describeIssues } from "../schema.ts";
import { arrayOf, checkKey, fieldIssues, func, isMimeType, optional, text } from "../validate.ts";
import { byteSource, type UploadBody } from "./byteSource.ts";
import { resumePlan } from "./resumePlan.ts";
import { checkUploadOptions, uploadBody } from "./uploadBody.ts";
import type { UploadData, UploadOptions, UploadTarget } from "./uploadTypes.ts";

/** Options of {@link uploadWithToken}: where to send, how, and every upload option. */
export interface UploadWithTokenOptions extends UploadOptions {
  /** The config service that finds the bucket's up hosts (`https://uc.qiniuapi.com`). */
  ucHost?: string | undefined;
  /** Up hosts to send to, in failover order; no discovery then. */
  upHosts?: readonly string[] | undefined;
  /** Use https for hosts given without a scheme: true unless `ucHost` is an `http://` URL. */
  useHttps?: boolean | undefined;
  /** The fetch to use; `globalThis.fetch` at call time when absent. */
  fetch?: typeof fetch | undefined;
  /** The limit of one HTTP attempt, in milliseconds (30 s by default). */
  timeoutMs?: number | undefined;
  /** Retry settings, or `false` for none. */
  retry?: Partial<RetryOptions> | false | undefined;
  logger?: Logger | undefined;
  /** Gives a fresh token when the service says the one in use expired (a 401 mid-upload). */
  tokenProvider?: (() => Promise<string>) | undefined;
}

/**
 * Uploads a body holding only an upload token, never a secret key: what a browser or a mobile
 * app does with the token its server minted (`putAuth`). Small bodies go in one form request,
 * large ones in parts, as with `put`; the bucket and access key come from the token, the up
 * hosts from `upHosts` or from the config service. A `File` gives its name and type when
 * `fileName` and `mimeType` are not set.
 *
 * @param token - The upload token.
 * @param key - The object's key, or `undefined` to let the service choose it (the policy's
 *   `saveKey`, else the content's hash); the answer names the key chosen.
 * @param body - Bytes, a string, a Blob or File, a Web stream, or an async iterable of bytes.
 * @param options - Hosts, transport settings, a `tokenProvider`, and every upload option.
 * @returns `{ key, hash, fsize, response }` (`response` is what a returnBody or callback made);
 *   `invalid_input` for a malformed token, `unauthorized` for an expired one that could not be
 *   renewed, `forbidden` when the key is outside the token's scope.
 * @example
 * const { token } = await (await fetch("/upload-token")).json();
 * const file = input.files[0];
 * const result = await uploadWithToken(token, `avatars/${file.name}`, file, {
 *   onProgress: ({ loaded, total }) => (bar.value = loaded / (total ?? loaded)),
 * });
 * if (result.ok) console.log(result.data.key, result.data.hash);
 */
export async function uploadWithToken(
  token: string,
  key: string | undefined,
  body: UploadBody,
  options: UploadWithTokenOptions = {},
): Promise<Result<UploadData>> {
  // Check everything before anything is read or sent.
  const parsed = typeof token === "string" ? parseUploadToken(token) : undefined;
  if (parsed === undefined) {
    return fail(invalidInput("token: expected an upload token <accessKey>:<sign>:<policy>"));
  }
  const problem =
    (key === undefined ? undefined : checkKey(key)) ??
    checkUploadOptions(options) ??
    checkTransport(options);
  if (problem !== undefined) return fail(problem);
  const source = byteSource(body, options.size);
  if (!source.ok) return source;

  // A File tells its own name and type.
  const uploadOptions = { ...options, ...fileDefaults(body, options) };
  const target = tokenTarget(token, parsed, options);
  const resume = resumePlan(parsed.bucket, key, body, uploadOptions);
  return uploadBody(target, key, source.data, uploadOptions, resume);
}

function checkTransport(options: UploadWithTokenOptions): KodoError | undefined {
  const issues = fieldIssues(options as Record<string, unknown>, {
    ...transportRules(),
    upHosts: optional(arrayOf(text, true)),
    tokenProvider: optional(func),
  });
  if (issues.length === 0) return undefined;
  return invalidInput(`options: ${describeIssues(issues)}`, issues);
}

/** The file name and MIME type of a File, where the options do not set them. */
function fileDefaults(body: UploadBody, options: UploadOptions): Partial<UploadOptions> {
  const defaults: Partial<UploadOptions> = {};
  if (typeof Blob === "undefined" || !(body instanceof Blob)) return defaults;
  if (options.fileName === undefined && typeof File !== "undefined" && body instanceof File) {
    if (body.name !== "") defaults.fileName = body.name;
  }
  if (options.mimeType === undefined && isMimeType(body.type)) {
    defaults.mimeType = body.type;
  }
  return defaults;
}

/** An upload target for a holder of a token: hosts found for the token's bucket. */
function tokenTarget(
  token: string,
  parsed: ParsedUploadToken,
  options: UploadWithTokenOptions,
): UploadTarget {
  const { useHttps, timeoutMs, retry } = transportSettings(options);
  const transport: Transport = { fetch: options.fetch, timeoutMs, retry, logger: options.logger };
  const upHosts = options.upHosts;
  const provider = options.tokenProvider;

  return {
    transport,
    bucket: parsed.bucket,
    hosts: async (signal) => {
      if (upHosts !== undefined) return ok(upHosts.map((host) => toOrigin(host, useHttps)));
      const query = {
        ucHost: options.ucHost ?? "https://uc.qiniuapi.com",
        accessKey: parsed.accessKey,
        bucket: parsed.bucket,
        useHttps,
        ...transport,
        signal,
      };
      return queriedHosts(query, "up");
    },
    token: async () => ok(token),
    renewToken: provider === undefined ? undefined : () => freshToken(provider, parsed.bucket),
  };
}

/** Asks the provider for a new token, which must be one for the same bucket. */
async function freshToken(
  provider: () => Promise<string>,
  bucket: string,
): Promise<Result<string>> {
  let fresh: unknown;
  try {
    fresh = await provider();
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const message = `the upload token expired and tokenProvider failed: ${reason}`;
    return fail(new KodoError({ code: "unauthorized", message, cause }));
  }
  const message = `tokenProvider: expected an upload token for the bucket ${bucket}`;
  if (typeof fresh !== "string" || parseUploadToken(fresh)?.bucket !== bucket) {
    return fail(invalidInput(message));
  }
  return ok(fresh);
}
