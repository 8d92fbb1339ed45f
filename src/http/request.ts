import type { Logger, RequestEvent, RetryOptions } from "../client.ts";
import { invalidInput } from "../errors.ts";
import { fail, ok, type Result } from "../result.ts";
import type { ResponseSchema } from "../schema.ts";
import { type AttemptOutcome, abortedError, attempt, type HttpReply } from "./attempt.ts";
import { authorization, type RequestAuth } from "./authorize.ts";
import { backoffDelay, sleep } from "./backoff.ts";
import { type BodyReader, bytesReader, emptyReader, jsonReader, textReader } from "./readers.ts";

export type { HttpReply } from "./attempt.ts";
export type { RequestAuth } from "./authorize.ts";

/** The part of a {@link Client} that sending requests needs; a Client is one. */
export interface Transport {
  /** The fetch to use; `globalThis.fetch`, looked up at call time, when absent. */
  readonly fetch?: typeof fetch | undefined;
  /** The limit of one attempt, reading the body included. */
  readonly timeoutMs: number;
  readonly retry: Readonly<RetryOptions>;
  readonly logger?: Logger | undefined;
}

/** A request body. A stream can be read only once, so a request with one is never repeated. */
export type RequestBody = string | Uint8Array | Blob | ReadableStream<Uint8Array> | null;

/** What a response body becomes when it is not JSON checked by a schema. */
export type RawExpectation = "empty" | "text" | "bytes";

/** The data each {@link RawExpectation} yields. */
export interface RawData {
  empty: undefined;
  text: string;
  bytes: Uint8Array;
}

/** What every request says, whatever its answer is read as. */
export interface RequestSpecBase {
  method: string;
  /** Origins in failover order, such as `["http://127.0.0.1:9400", "http://localhost:9400"]`. */
  hosts: readonly string[];
  /** The path and query, already encoded, starting with `/`. */
  path: string;
  headers?: Readonly<Record<string, string>> | undefined;
  /** The body, or a function that makes a fresh one for each attempt (a stream may be resent). */
  body?: RequestBody | (() => RequestBody) | undefined;
  contentType?: string | undefined;
  /** How the request is signed; unsigned when absent. */
  auth?: RequestAuth | undefined;
  /** The request may be sent again after the server has seen it. */
  idempotent: boolean;
  /** Statuses outside 2xx that count as a success. */
  acceptStatuses?: readonly number[] | undefined;
  /**
   * Statuses that count as a success once an earlier attempt went out and its answer was lost (a
   * network error, a time-out, a success whose body was cut): a delete repeated then meets 612,
   * the object being gone already.
   */
  acceptWhenRepeated?: readonly number[] | undefined;
  signal?: AbortSignal | undefined;
  /** Overrides the transport's limit for each attempt. */
  timeoutMs?: number | undefined;
}

/** A request whose successful answer is JSON checked against `schema`. */
export interface RequestSpec<T> extends RequestSpecBase {
  schema: ResponseSchema<T>;
  expect?: undefined;
}

/** A request whose successful answer is ignored, or read as text or bytes. */
export interface RawRequestSpec<E extends RawExpectation> extends RequestSpecBase {
  expect: E;
  schema?: undefined;
}

const rawReaders: { [E in RawExpectation]: BodyReader<RawData[E]> } = {
  empty: emptyReader,
  text: textReader,
  bytes: bytesReader,
};

/**
 * Sends a request to the first host that answers, and checks the answer. Failures that a repeat
 * may fix are retried, on the next host each time, with exponential backoff and full jitter (or
 * the wait a `Retry-After` asks for): network errors, timeouts, 5xx but 501, 509 and 579, and a
 * JSON body cut short. That happens only when the request is `idempotent` and its body is not a
 * stream, except that a connection that never opened moves on to the next host at once whatever
 * the request. Never throws.
 *
 * @param transport - The fetch, time limit, retry settings and logger (a Client will do).
 * @param spec - The request, its hosts, its signature and how to read the answer.
 * @returns The data with the status, `X-Reqid` and headers, or a {@link KodoError}: the code of
 *   the status with the service's message, `timeout`, `aborted`, `network_error`,
 *   `invalid_response` (with the schema's issues) or `invalid_input`.
 * @example
 * const reply = await request(client, {
 *   method: "GET", hosts, path: `/stat/${encodedEntry(bucket, key)}`,
 *   auth: { type: "qiniu", credentials: client }, idempotent: true, schema: statSchema,
 * });
 */
export function request<T>(
  transport: Transport,
  spec: RequestSpec<T>,
): Promise<Result<HttpReply<T>>>;
export function request<E extends RawExpectation>(
  transport: Transport,
  spec: RawRequestSpec<E>,
): Promise<Result<HttpReply<RawData[E]>>>;
export function request(
  transport: Transport,
  spec: RequestSpec<unknown> | RawRequestSpec<RawExpectation>,
): Promise<Result<HttpReply<unknown>>> {
  const reader: BodyReader<unknown> =
    spec.expect === undefined ? jsonReader(spec.schema) : rawReaders[spec.expect];
  return send(transport, spec, reader);
}

async function send<T>(
  transport: Transport,
  spec: RequestSpecBase,
  reader: BodyReader<T>,
): Promise<Result<HttpReply<T>>> {
  const method = spec.method.toUpperCase();
  const label = `${method} ${spec.path.split("?")[0]}`;
  const timeoutMs = spec.timeoutMs ?? transport.timeoutMs;
  const urls = spec.hosts.map((host) => `${host.replace(/\/+$/, "")}${spec.path}`);

  // Check what the caller built before anything is sent.
  const problem = specProblem(spec, urls, timeoutMs);
  if (problem !== undefined) return fail(invalidInput(`${label}: ${problem}`));
  if (spec.signal?.aborted) return fail(abortedError(label, spec.signal.reason));

  const makeBody = typeof spec.body === "function" ? spec.body : undefined;
  const fixedBody = typeof spec.body === "function" ? null : (spec.body ?? null);
  const replayable = makeBody !== undefined || !(fixedBody instanceof ReadableStream);
  const fetchFn = transport.fetch ?? globalThis.fetch;
  const retries = transport.retry.retries;

  let accepted = spec.acceptStatuses ?? [];
  for (let attemptNumber = 1; ; attemptNumber++) {
    // Prepare this attempt for its host: the signature covers the host.
    const url = urls[(attemptNumber - 1) % urls.length]!;
    const started = Date.now();
    const init = await requestInit(spec, method, url, makeBody?.() ?? fixedBody);
    if (!init.ok) return fail(init.error);

    // Send it and decide whether to go on.
    const outcome = await attempt({
      fetch: fetchFn,
      url,
      init: init.data,
      reader,
      acceptStatuses: accepted,
      timeoutMs,
      signal: spec.signal,
      idempotent: spec.idempotent,
      replayable,
      label,
    });
    const willRetry = !outcome.ok && outcome.error.retryable && attemptNumber <= retries;
    report(transport.logger, method, url, attemptNumber, started, outcome, willRetry);
    if (outcome.ok) return ok(outcome.reply);
    if (!willRetry) return fail(outcome.error);
    // An answer lost after the request went out, or cut after a success: it may have been done.
    const status = outcome.error.status;
    const lost = !outcome.unsent && (status === undefined || (status >= 200 && status <= 299));
    if (lost && spec.acceptWhenRepeated !== undefined) {
      accepted = [...accepted, ...spec.acceptWhenRepeated];
    }

    // Wait, unless a host that has not been tried yet can take it at once.
    const untried = attemptNumber < urls.length;
    const delay =
      outcome.unsent && untried ? 0 : delayBefore(attemptNumber, outcome, transport.retry);
    await sleep(delay, spec.signal);
    if (spec.signal?.aborted) return fail(abortedError(label, spec.signal.reason));
  }
}

/** Why a request cannot be sent as built, or undefined when it can. */
function specProblem(spec: RequestSpecBase, urls: string[], timeoutMs: number): string | undefined {
  if (urls.length === 0) return "no host to send the request to";
  if (!spec.path.startsWith("/")) return `the path must start with "/": ${spec.path}`;
  if (!(timeoutMs > 0)) return `the time limit must be positive: ${timeoutMs}`;
  const bad = urls.find((url) => !isHttpUrl(url));
  return bad === undefined ? undefined : `not an http(s) URL: ${bad}`;
}

function isHttpUrl(url: string): boolean {
  try {
    return /^https?:$/.test(new URL(url).protocol);
  } catch {
    return false;
  }
}

/** The fetch options of one attempt, with its own signature. */
async function requestInit(
  spec: RequestSpecBase,
  method: string,
  url: string,
  body: Exclude<RequestBody, undefined>,
): Promise<Result<RequestInit>> {
  const headers: Record<string, string> = { ...spec.headers };
  if (spec.contentType !== undefined) headers["Content-Type"] = spec.contentType;

  const signable = typeof body === "string" || body instanceof Uint8Array ? body : null;
  try {
    const auth = await authorization(spec.auth, {
      method,
      url,
      headers,
      contentType: spec.contentType,
      body: signable,
    });
    if (auth !== undefined) headers.Authorization = auth;
  } catch (error) {
    return fail(invalidInput(`cannot sign ${method} ${url}: ${String(error)}`));
  }

  // Node's fetch needs `duplex` to send a stream; other runtimes ignore it.
  const init: RequestInit & { duplex?: "half" } = { method, headers, body: bodyInit(body) };
  if (body instanceof ReadableStream) init.duplex = "half";
  return ok(init);
}

/** The body as fetch takes it: bytes over a shared buffer are copied. */
function bodyInit(body: Exclude<RequestBody, undefined>): BodyInit | null {
  if (!(body instanceof Uint8Array)) return body;
  return body.buffer instanceof ArrayBuffer
    ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
    : new Uint8Array(body);
}

/** The pause before the next attempt: the service's `Retry-After`, else backoff with jitter. */
function delayBefore(
  retry: number,
  outcome: Extract<AttemptOutcome<unknown>, { ok: false }>,
  options: Readonly<RetryOptions>,
): number {
  const asked = outcome.error.retryAfterMs;
  if (asked !== undefined) return Math.min(asked, options.maxDelayMs);
  return backoffDelay(retry, options);
}

/** Hands one event per attempt to the logger; a logger that throws is ignored. */
function report(
  logger: Logger | undefined,
  method: string,
  url: string,
  attemptNumber: number,
  started: number,
  outcome: AttemptOutcome<unknown>,
  willRetry: boolean,
): void {
  if (logger === undefined) return;
  const event: RequestEvent = {
    type: "request",
    method,
    url,
    attempt: attemptNumber,
    durationMs: Date.now() - started,
    willRetry,
  };
  const status = outcome.ok ? outcome.reply.status : outcome.error.status;
  const reqId = outcome.ok ? outcome.reply.reqId : outcome.error.reqId;
  if (status !== undefined) event.status = status;
  if (reqId !== undefined) event.reqId = reqId;
  if (!outcome.ok) event.error = `${outcome.error.code}: ${outcome.error.message}`;
  try {
    logger(event);
  } catch {
    // The logger's failure is not the request's.
  }
}
