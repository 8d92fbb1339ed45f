import { codeForStatus, KodoError } from "../errors.ts";

/** System error codes of a connection that never opened, so no byte of the request was sent. */
const unsentCodes = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
  "ConnectionRefused",
]);

function errorCodes(error: unknown, depth = 0): string[] {
  if (typeof error !== "object" || error === null || depth > 4) return [];
  const record = error as { code?: unknown; cause?: unknown; errors?: unknown };
  const own = typeof record.code === "string" ? [record.code] : [];
  const nested = Array.isArray(record.errors) ? record.errors : [];
  return [
    ...own,
    ...errorCodes(record.cause, depth + 1),
    ...nested.flatMap((inner) => errorCodes(inner, depth + 1)),
  ];
}

/**
 * Tells whether a rejected fetch failed before the request could leave: the connection was
 * refused or the host did not resolve. Only runtimes that expose the system error code (Node,
 * Bun) can tell; anywhere else the answer is false, which is the safe side.
 *
 * @param error - What fetch rejected with.
 * @returns `true` when the server cannot have seen the request.
 * @example
 * if (neverSent(error)) tryNextHost();
 */
export function neverSent(error: unknown): boolean {
  return errorCodes(error).some((code) => unsentCodes.has(code));
}

/**
 * Describes a thrown value in one line, following its `cause` chain.
 *
 * @param error - Anything a fetch or a body read rejected with.
 * @returns A message such as `fetch failed: connect ECONNREFUSED 127.0.0.1:9400`.
 * @example
 * describeThrown(new TypeError("fetch failed")) // "fetch failed"
 */
export function describeThrown(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    if (message !== "" && !parts.includes(message)) parts.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(": ") || "request failed";
}

/** The longest service message kept in an error. */
const maxMessageLength = 500;

function serviceMessage(status: number, text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && "error" in parsed) {
      const message = (parsed as { error: unknown }).error;
      if (typeof message === "string" && message !== "") return message;
    }
  } catch {
    // Not JSON: the text itself is the message.
  }
  const trimmed = text.trim();
  if (trimmed === "") return `E${status}`;
  return trimmed.length > maxMessageLength ? `${trimmed.slice(0, maxMessageLength)}…` : trimmed;
}

/**
 * Builds the error of a response whose status is not a success: the code that status maps to,
 * the `error` field of the JSON body (else the text, else `E<status>`) and the request id.
 *
 * @param status - The response status, Qiniu's own codes above 599 included.
 * @param text - The response body as text.
 * @param reqId - The `X-Reqid` header, when there is one.
 * @param retryable - Whether sending the request again is safe and may succeed.
 * @param retryAfterMs - The wait the service asked for (`Retry-After`), if any.
 * @returns The {@link KodoError} to report.
 * @example
 * statusError(612, '{"error":"no such file or directory"}', "abc", false).code // "not_found"
 */
export function statusError(
  status: number,
  text: string,
  reqId: string | undefined,
  retryable: boolean,
  retryAfterMs?: number,
): KodoError {
  return new KodoError({
    code: codeForStatus(status),
    message: serviceMessage(status, text),
    status,
    reqId,
    retryable,
    retryAfterMs,
  });
}
