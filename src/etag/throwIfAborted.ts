import { KodoError } from "../errors.ts";

/** Builds the `aborted` error of a computation stopped through `signal`. */
export function abortedError(signal: AbortSignal): KodoError {
  return new KodoError({
    code: "aborted",
    message: "The etag computation was aborted.",
    cause: signal.reason,
  });
}

/** Throws the `aborted` error when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortedError(signal);
}
