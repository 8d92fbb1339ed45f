import { isRetryableStatus, KodoError } from "../errors.ts";
import { retryAfterMs } from "./backoff.ts";
import { describeThrown, neverSent, statusError } from "./failure.ts";
import { type BodyReader, discardBody } from "./readers.ts";

/** A successful answer: the checked data with the status, request id and headers it came with. */
export interface HttpReply<T> {
  data: T;
  status: number;
  /** The `X-Reqid` header. */
  reqId: string | undefined;
  headers: Headers;
}

/** Everything one attempt needs, already prepared for the host it goes to. */
export interface AttemptPlan<T> {
  fetch: typeof fetch;
  url: string;
  init: RequestInit;
  reader: BodyReader<T>;
  /** Statuses outside 2xx that count as a success. */
  acceptStatuses: readonly number[];
  timeoutMs: number;
  signal: AbortSignal | undefined;
  /** The request may be repeated after the server has seen it. */
  idempotent: boolean;
  /** The body can be sent twice (anything but a stream). */
  replayable: boolean;
  /** `METHOD /path`, for messages. */
  label: string;
}

/** How an attempt ended. */
export type AttemptOutcome<T> =
  | { ok: true; reply: HttpReply<T> }
  | {
      ok: false;
      error: KodoError;
      /** The request failed to connect, so the server never saw it. */
      unsent: boolean;
    };

/** The reason an attempt's own controller aborts with when its time is up. */
class AttemptTimeout extends Error {
  override readonly name = "TimeoutError";
}

/**
 * Builds the error of a request the caller aborted.
 *
 * @param label - `METHOD /path` of the request.
 * @param cause - The signal's reason.
 * @returns A {@link KodoError} with the code `aborted`.
 * @example
 * if (signal.aborted) return fail(abortedError("GET /v4/query", signal.reason));
 */
export function abortedError(label: string, cause?: unknown): KodoError {
  return new KodoError({ code: "aborted", message: `${label} was aborted`, cause });
}

/**
 * Settles like `work`, or rejects with the signal's reason as soon as the signal aborts, so that
 * a fetch (or a read) which ignores its signal cannot hold the caller. `onLate` gets a value that
 * arrives after the abort, to release it.
 *
 * @example
 * const response = await untilAborted(fetch(url), signal, (late) => late.body?.cancel());
 */
export function untilAborted<T>(
  work: Promise<T>,
  signal: AbortSignal,
  onLate: (value: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });

    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) onLate(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Sends one request to one host and reads its answer, within the plan's time limit; never
 * rejects. The error's `retryable` tells whether sending the same request again is both safe and
 * may succeed.
 *
 * @param plan - The prepared request and how to read its answer.
 * @returns The reply, or the error with what the retry loop needs to decide.
 * @example
 * const outcome = await attempt(plan);
 * if (!outcome.ok && outcome.error.retryable) tryAgain();
 */
export async function attempt<T>(plan: AttemptPlan<T>): Promise<AttemptOutcome<T>> {
  // One controller per attempt, aborted by the caller's signal or by the time limit.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new AttemptTimeout(`no answer within ${plan.timeoutMs} ms`));
  }, plan.timeoutMs);
  const forwardAbort = () => controller.abort(plan.signal?.reason);
  plan.signal?.addEventListener("abort", forwardAbort, { once: true });

  try {
    // Send.
    let response: Response;
    try {
      const init = { ...plan.init, signal: controller.signal };
      // Called on its own, not as a method of the plan: a browser's fetch needs its global.
      const fetchFn = plan.fetch;
      const sending = Promise.resolve().then(() => fetchFn(plan.url, init));
      response = await untilAborted(sending, controller.signal, discardBody);
    } catch (error) {
      return failed(plan, error, timedOut, !timedOut && neverSent(error));
    }

    // Read the answer, still under the time limit.
    try {
      return await untilAborted(read(response, plan), controller.signal, () => undefined);
    } catch (error) {
      discardBody(response);
      return failed(plan, error, timedOut, false);
    }
  } finally {
    clearTimeout(timer);
    plan.signal?.removeEventListener("abort", forwardAbort);
  }
}

/** The outcome of a fetch or a body read that threw: aborted, timed out or a network error. */
function failed<T>(
  plan: AttemptPlan<T>,
  error: unknown,
  timedOut: boolean,
  unsent: boolean,
): AttemptOutcome<T> {
  if (plan.signal?.aborted) {
    return { ok: false, error: abortedError(plan.label, error), unsent };
  }
  const what = timedOut ? `no answer within ${plan.timeoutMs} ms` : describeThrown(error);
  const kodoError = new KodoError({
    code: timedOut ? "timeout" : "network_error",
    message: `${plan.label}: ${what}`,
    retryable: plan.replayable && (plan.idempotent || unsent),
    cause: error,
  });
  return { ok: false, error: kodoError, unsent };
}

async function read<T>(response: Response, plan: AttemptPlan<T>): Promise<AttemptOutcome<T>> {
  const status = response.status;
  const reqId = response.headers.get("x-reqid") ?? undefined;
  const repeatable = plan.replayable && plan.idempotent;

  // A status that is not a success: the service's message becomes the error.
  const success = (status >= 200 && status <= 299) || plan.acceptStatuses.includes(status);
  if (!success) {
    const retryable = repeatable && isRetryableStatus(status);
    const text = await response.text().catch(() => "");
    const wait = retryAfterMs(response.headers.get("retry-after"), Date.now());
    const error = statusError(status, text, reqId, retryable, wait);
    return { ok: false, error, unsent: false };
  }

  // A success: its body becomes the data, or an `invalid_response`.
  const outcome = await plan.reader(response);
  if (outcome.ok) {
    return { ok: true, reply: { data: outcome.data, status, reqId, headers: response.headers } };
  }
  const error = new KodoError({
    code: "invalid_response",
    message: `${plan.label}: ${outcome.message}`,
    status,
    reqId,
    retryable: repeatable && outcome.transient,
    issues: outcome.issues,
  });
  return { ok: false, error, unsent: false };
}
