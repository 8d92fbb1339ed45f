import type { KodoError } from "./errors.ts";

/**
 * What every operation resolves to: `{ ok: true, data }` or `{ ok: false, error }`.
 * Operations never throw for what the network, the service or the caller's data can do.
 */
export type Result<T> =
  | { ok: true; data: T; error?: undefined }
  | { ok: false; data?: undefined; error: KodoError };

/** Wraps a value as a successful {@link Result}. */
export function ok<T>(data: T): Result<T> {
  return { ok: true, data };
}

/** Wraps an error as a failed {@link Result}. */
export function fail<T = never>(error: KodoError): Result<T> {
  return { ok: false, error };
}
