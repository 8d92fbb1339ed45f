import { invalidInput } from "./errors.ts";
import { describeIssues } from "./schema.ts";
import {
  arrayOf,
  bool,
  fieldIssues,
  func,
  isBucketName,
  isRecord,
  nonNegative,
  optional,
  positiveUpTo,
  type Rule,
  text,
  whole,
} from "./validate.ts";

/** The services of a Kodo region, each reached through one or more hosts. */
export type ServiceName = "up" | "io" | "rs" | "rsf" | "api" | "uc";

/** Explicit hosts per service, in order of preference (`"host[:port]"` or a full origin). */
export type RegionHosts = { readonly [S in ServiceName]?: readonly string[] };

/** One event per HTTP attempt, handed to the client's `logger`. */
export interface RequestEvent {
  type: "request";
  method: string;
  url: string;
  attempt: number;
  status?: number;
  reqId?: string;
  durationMs: number;
  error?: string;
  willRetry: boolean;
}

/** Receives diagnostics; the library itself never writes to the console. */
export type Logger = (event: RequestEvent) => void;

/** How failed requests that are safe to repeat are retried. */
export interface RetryOptions {
  /** Further attempts after the first, across hosts (3 by default; 0 turns retries off). */
  retries: number;
  /** The first backoff delay, doubled after each attempt, with full jitter (200 ms by default). */
  baseDelayMs: number;
  /** The longest delay between two attempts, Retry-After included (10 s by default). */
  maxDelayMs: number;
}

/** The options of {@link createClient}. */
export interface ClientOptions {
  accessKey: string;
  secretKey: string;
  bucket: string;
  /** A region id (`"z0"`, `"z1"`, `"cn-east-2"` …) or explicit hosts; discovered when absent. */
  region?: string | RegionHosts | undefined;
  /** The config service used to discover hosts (`https://uc.qiniuapi.com` by default). */
  ucHost?: string | undefined;
  /** The download domain of `get` and `downloadUrl`; the bucket's first domain if absent. */
  domain?: string | undefined;
  /**
   * Use https for hosts given without a scheme: true by default, false when `ucHost` is an
   * `http://` URL (an emulator, say).
   */
  useHttps?: boolean | undefined;
  /** The fetch to use; `globalThis.fetch` at call time when absent. */
  fetch?: typeof fetch | undefined;
  /** The limit of one HTTP attempt, in milliseconds (30 s by default). */
  timeoutMs?: number | undefined;
  /** Retry settings, or `false` for none. */
  retry?: Partial<RetryOptions> | false | undefined;
  logger?: Logger | undefined;
}

/** The transport settings that clients and token holders share, with their defaults applied. */
export interface TransportSettings {
  useHttps: boolean;
  timeoutMs: number;
  retry: RetryOptions;
}

/**
 * Applies the defaults of the transport settings: https unless `ucHost` is an `http://` URL,
 * 30 s per attempt, and the default retries merged with the ones given (`false`: none).
 *
 * @param options - Checked options of a client or of a token holder.
 * @returns The settings to send requests with.
 * @example
 * transportSettings({ ucHost: "http://127.0.0.1:9400" }).useHttps // false
 */
export function transportSettings(
  options: Pick<ClientOptions, "ucHost" | "useHttps" | "timeoutMs" | "retry">,
): TransportSettings {
  return {
    useHttps: options.useHttps ?? !/^http:\/\//i.test(options.ucHost ?? ""),
    timeoutMs: options.timeoutMs ?? 30_000,
    retry:
      options.retry === false
        ? { ...defaultRetry, retries: 0 }
        : { ...defaultRetry, ...options.retry },
  };
}

/** The frozen context every operation takes as its first argument. */
export interface Client {
  readonly accessKey: string;
  /** Not enumerable, so that logging a client does not print it. */
  readonly secretKey: string;
  readonly bucket: string;
  readonly region: string | RegionHosts | undefined;
  readonly ucHost: string;
  readonly domain: string | undefined;
  readonly useHttps: boolean;
  readonly fetch: typeof fetch | undefined;
  readonly timeoutMs: number;
  readonly retry: Readonly<RetryOptions>;
  readonly logger: Logger | undefined;
}

const services: readonly ServiceName[] = ["up", "io", "rs", "rsf", "api", "uc"];

/**
 * The rules of the transport settings that clients and token holders share. Built when asked
 * for, so that a bundle which never checks options carries none of them.
 *
 * @returns A rule per setting: `ucHost`, `useHttps`, `fetch`, `timeoutMs`, `retry`, `logger`.
 * @example
 * const issues = fieldIssues(options, { ...transportRules(), upHosts: optional(arrayOf(text)) });
 */
export function transportRules(): Record<string, Rule> {
  return {
    ucHost: optional(text),
    useHttps: optional(bool),
    fetch: optional(func),
    timeoutMs: optional(positiveUpTo(24 * 3600 * 1000)),
    retry: optional((value) => {
      if (value === false) return undefined;
      if (!isRecord(value)) return "expected false or an object";
      const issues = fieldIssues(value, {
        retries: optional(whole(0, 20)),
        baseDelayMs: optional(nonNegative),
        maxDelayMs: optional(nonNegative),
      });
      return issues.length === 0 ? undefined : describeIssues(issues);
    }),
    logger: optional(func),
  };
}

function optionRules(): Record<string, Rule> {
  const hostList = optional(arrayOf(text));
  return {
    accessKey: (value) =>
      text(value) ?? (/[:\s]/.test(value as string) ? "must not hold ':' or spaces" : undefined),
    secretKey: text,
    bucket: (value) => (isBucketName(value) ? undefined : "is not a valid bucket name"),
    region: optional((value) => {
      if (typeof value === "string") {
        return /^[a-z0-9-]{2,32}$/.test(value) ? undefined : "is not a region id";
      }
      if (!isRecord(value)) return "expected a region id or hosts per service";
      const issues = fieldIssues(value, Object.fromEntries(services.map((s) => [s, hostList])));
      return issues.length === 0 ? undefined : describeIssues(issues);
    }),
    domain: optional(text),
    ...transportRules(),
  };
}

/** The retry settings used when a client gives none. */
export const defaultRetry: Readonly<RetryOptions> = Object.freeze({
  retries: 3,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
});

/**
 * Creates the context every operation takes: credentials, bucket and transport settings, checked
 * once and frozen. Bad options are a programmer's error, so this one throws (`invalid_input`).
 *
 * @param options - Credentials, bucket and optional settings.
 * @returns A frozen {@link Client}.
 * @example
 * const client = createClient({ accessKey, secretKey, bucket: "photos", region: "z0" });
 * const result = await stat(client, "cat.jpg");
 */
export function createClient(options: ClientOptions): Client {
  const issues = isRecord(options)
    ? fieldIssues(options, optionRules())
    : [{ path: [], message: "expected an object" }];
  if (issues.length > 0) throw invalidInput(`createClient: ${describeIssues(issues)}`, issues);
  const o = options;
  const { useHttps, timeoutMs, retry } = transportSettings(o);

  const client = {
    accessKey: o.accessKey,
    bucket: o.bucket,
    region: typeof o.region === "object" ? knownServices(o.region) : o.region,
    ucHost: toOrigin(o.ucHost ?? "uc.qiniuapi.com", useHttps),
    domain: o.domain,
    useHttps,
    fetch: o.fetch,
    timeoutMs,
    retry: Object.freeze(retry),
    logger: o.logger,
  };
  Object.defineProperty(client, "secretKey", { value: o.secretKey, enumerable: false });
  return Object.freeze(client) as Client;
}

/** A copy of explicit hosts that keeps the services only. */
function knownServices(hosts: RegionHosts): RegionHosts {
  const copy: { [S in ServiceName]?: readonly string[] } = {};
  for (const service of services) {
    const list = hosts[service];
    if (list !== undefined) copy[service] = [...list];
  }
  return copy;
}

/** Turns `"host[:port]"` or a URL into an origin, choosing the scheme when none is given. */
export function toOrigin(host: string, useHttps: boolean): string {
  const withScheme = /^https?:\/\//i.test(host) ? host : `${useHttps ? "https" : "http"}://${host}`;
  return withScheme.replace(/\/+$/, "");
}
