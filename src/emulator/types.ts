/** A bucket to create when the emulator starts: a name, or a name with settings. */
export interface BucketOption {
  /** 3 to 63 characters of `a-z`, `0-9` and `-`, starting and ending with a letter or digit. */
  name: string;
  /** Downloads then need a signed URL (`e` and `token`). */
  private?: boolean | undefined;
  /** The region id the bucket reports (`z0` by default); every region is served by this server. */
  region?: string | undefined;
}

/**
 * A fault injected into the requests of one route, for reliability tests. A rule applies to the
 * requests whose route and `Host` match; the first matching rule wins.
 */
export interface FaultRule {
  /**
   * The route name (`"up.form"`, `"up.v1.mkblk"`, `"up.v2.part"`, `"rs.stat"`, `"rs.batch"`,
   * `"rsf.list"`, `"uc.query"`, `"io.download"` …), a prefix such as `"up.*"`, or `"*"` for
   * every route but the admin routes.
   */
  route: string;
  /** Answer this status (with `{"error":…}` or `body`) instead of serving the request. */
  status?: number | undefined;
  /** How many requests the rule applies to; every one when absent. */
  times?: number | undefined;
  /** Destroy the connection once this many bytes of the request body have arrived. */
  resetAfterBytes?: number | undefined;
  /** Wait this long before answering. */
  delayMs?: number | undefined;
  /** Send the response head, then wait this long before the body. */
  stallMs?: number | undefined;
  /** The response body to send (with `status`, 200 by default), such as malformed JSON. */
  body?: string | undefined;
  /** A `Retry-After` header, in seconds. */
  retryAfter?: number | undefined;
  /** Only for requests whose `Host` is one of these, such as `["localhost:9400"]`. */
  hosts?: readonly string[] | undefined;
  /** The chance, from 0 to 1, that a matching request is affected (1 by default). */
  probability?: number | undefined;
}

/** The options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** The port to listen on; 0 (the default) picks a free one. */
  port?: number | undefined;
  /** The interface to listen on, `127.0.0.1` by default. */
  host?: string | undefined;
  /** The access key that signs requests; random when absent. */
  accessKey?: string | undefined;
  /** The secret key; random when absent. */
  secretKey?: string | undefined;
  /** Buckets to create at start (kept when they already exist in `dataDir`). */
  buckets?: ReadonlyArray<string | BucketOption> | undefined;
  /** Keep buckets, objects and domains in this directory instead of memory. */
  dataDir?: string | undefined;
  /** Faults active from the start. */
  faults?: readonly FaultRule[] | undefined;
  /** Receives one line per request: method, path, status, bytes, milliseconds. */
  logRequests?: ((line: string) => void) | undefined;
  /** How long an upload callback may take before the upload answers 579 (5000 ms by default). */
  callbackTimeoutMs?: number | undefined;
}

/** Requests and bytes seen on one route since the start or the last reset. */
export interface RouteStats {
  requests: number;
  /** Bytes of request bodies received. */
  bytesReceived: number;
  /** Bytes of response bodies sent. */
  bytesSent: number;
  /** How many responses had each status, keyed by the status. */
  statuses: Record<string, number>;
}

/** One request as it arrived. */
export interface RecordedRequest {
  /** The route name it matched (`"rs.stat"` …), or `"unknown"`. */
  route: string;
  method: string;
  /** The path and query as sent. */
  url: string;
  /** The request headers, names in lower case. */
  headers: Record<string, string>;
  /** The first KiB of the body, decoded as UTF-8. */
  body: string;
  /** The status answered; 0 when the connection closed first. */
  status: number;
}

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The two names of this server, `["127.0.0.1:<port>", "localhost:<port>"]`. */
  readonly hosts: readonly string[];
  readonly accessKey: string;
  readonly secretKey: string;
  /** Closes the server and every connection, and lets go of the data directory. */
  stop(): Promise<void>;
  /** Adds a fault rule (after the existing ones). */
  addFault(rule: FaultRule): void;
  /** Removes every fault rule. */
  clearFaults(): void;
  /** Requests and bytes per route name. */
  stats(): Record<string, RouteStats>;
  /** Every request since the start or the last reset (the latest 20,000). */
  requests(): RecordedRequest[];
  /** Forgets the stats and the recorded requests. */
  resetStats(): void;
}
