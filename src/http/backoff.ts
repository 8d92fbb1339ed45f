import type { RetryOptions } from "../client.ts";

/**
 * The pause before a further attempt: exponential backoff with full jitter, a random delay
 * between zero and `baseDelayMs × 2^(retry − 1)`, capped by `maxDelayMs`.
 *
 * @param retry - The number of the retry about to be made: 1 before the second attempt.
 * @param options - The base and the cap of the delay.
 * @param random - A source of numbers in [0, 1), `Math.random` by default.
 * @returns The delay in milliseconds.
 * @example
 * backoffDelay(3, { baseDelayMs: 200, maxDelayMs: 10_000 }) // somewhere in [0, 800)
 */
export function backoffDelay(
  retry: number,
  options: Pick<RetryOptions, "baseDelayMs" | "maxDelayMs">,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Reads a `Retry-After` header, given either in seconds or as an HTTP date.
 *
 * @param value - The header's value, or null when the response has none.
 * @param now - The current time in milliseconds since the epoch.
 * @returns The wait it asks for in milliseconds (0 for a date in the past), or undefined when the
 *   header is absent or unreadable.
 * @example
 * retryAfterMs("2", Date.now()) // 2000
 */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);

  // An HTTP date always names its day and month; anything else is unreadable.
  const date = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Waits for a while, or less when the signal aborts first; never rejects.
 *
 * @param ms - How long to wait, in milliseconds.
 * @param signal - Ends the wait early when it aborts.
 * @returns A promise that resolves when the time is up or the signal aborts.
 * @example
 * await sleep(250, options.signal);
 * if (options.signal?.aborted) return;
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
