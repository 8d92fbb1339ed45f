/** Every `code` a {@link KodoError} can carry. */
export type KodoErrorCode =
  | "not_found"
  | "exists"
  | "no_such_bucket"
  | "content_modified"
  | "unauthorized"
  | "forbidden"
  | "too_large"
  | "checksum_mismatch"
  | "callback_failed"
  | "rate_limited"
  | "bad_request"
  | "bad_context"
  | "invalid_marker"
  | "too_many_buckets"
  | "server_error"
  | "service_error"
  | "network_error"
  | "timeout"
  | "aborted"
  | "invalid_input"
  | "invalid_response"
  | "source_error";

/** One problem found while checking input or a response body against its schema. */
export interface KodoIssue {
  /** Where the problem is, as a list of property names and indexes. */
  path: readonly PropertyKey[];
  /** What is wrong there. */
  message: string;
}

/** What a {@link KodoError} is made from. */
export interface KodoErrorInit {
  code: KodoErrorCode;
  message: string;
  status?: number | undefined;
  reqId?: string | undefined;
  retryable?: boolean | undefined;
  issues?: readonly KodoIssue[] | undefined;
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

const brand = Symbol.for("qiniu-kit.KodoError");

/**
 * The error of every failed operation: a snake_case `code`, the HTTP status (Qiniu's own 6xx
 * statuses included), the service's message and request id, and whether a retry may succeed.
 *
 * @example
 * const result = await stat(client, "missing.txt");
 * if (!result.ok && result.error.code === "not_found") console.log(result.error.reqId);
 */
export class KodoError extends Error {
  override readonly name = "KodoError";
  readonly code: KodoErrorCode;
  readonly status: number | undefined;
  readonly reqId: string | undefined;
  readonly retryable: boolean;
  readonly issues: readonly KodoIssue[] | undefined;
  /** How long the service asked to wait before a retry (its `Retry-After`), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(init: KodoErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.reqId = init.reqId;
    this.retryable = init.retryable ?? false;
    this.issues = init.issues;
    this.retryAfterMs = init.retryAfterMs;
    Object.defineProperty(this, brand, { value: true });
  }
}

/**
 * Tells whether a value is a {@link KodoError}, also one from another copy of the package.
 *
 * @param value - Anything, usually a caught value or `result.error`.
 * @returns `true` when `value` is a KodoError.
 * @example
 * try { createClient(options) } catch (e) { if (isKodoError(e)) console.log(e.code) }
 */
export function isKodoError(value: unknown): value is KodoError {
  return (
    value instanceof KodoError ||
    (typeof value === "object" &&
      value !== null &&
      (value as Record<symbol, unknown>)[brand] === true)
  );
}

/** Builds the `invalid_input` error raised before any request is sent. */
export function invalidInput(message: string, issues?: readonly KodoIssue[]): KodoError {
  return new KodoError({ code: "invalid_input", message, issues });
}

const codesByStatus: Readonly<Record<number, KodoErrorCode>> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  406: "checksum_mismatch",
  413: "too_large",
  573: "rate_limited",
  579: "callback_failed",
  608: "content_modified",
  612: "not_found",
  614: "exists",
  630: "too_many_buckets",
  631: "no_such_bucket",
  640: "invalid_marker",
  701: "bad_context",
};

/** 5xx statuses that a retry cannot fix: not implemented, bandwidth cap, callback failed. */
const finalServerStatuses = new Set([501, 509, 579]);

/**
 * Tells whether a response status may succeed when the request is sent again: 5xx (573 included,
 * after its Retry-After) but 501, 509 and 579. Qiniu's own codes above 599 are final answers.
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 && status <= 599 && !finalServerStatuses.has(status);
}

/** Maps a service status to the error code callers switch on. */
export function codeForStatus(status: number): KodoErrorCode {
  const known = codesByStatus[status];
  if (known !== undefined) return known;
  if (status >= 500 && status < 600) return "server_error";
  return "service_error";
}

/** The error of a body that could not be read. */
export function sourceError(cause: unknown, what = "the body"): KodoError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new KodoError({
    code: "source_error",
    message: `reading ${what} failed: ${reason}`,
    cause,
  });
}
