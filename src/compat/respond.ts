import type { Result } from "../result.ts";

/** What a classic callback receives. */
export interface CompatResponse<T> {
  /** 200 on success; the service's status on its error; -1 for a local or network error. */
  code: number;
  data?: T;
  error?: string;
}

/** A callback of the classic SDK. */
export type CompatCallback<T> = (response: CompatResponse<T>) => void;

/** Errors that no service sent: the classic SDK reported them with code -1. */
const localCodes = new Set([
  "network_error",
  "timeout",
  "aborted",
  "invalid_input",
  "source_error",
]);

/** Hands a result to a classic callback, shaped as the classic SDK shaped it. */
export function respond<T, D>(
  result: Promise<Result<T>>,
  callback: CompatCallback<D>,
  shape: (data: T) => D | undefined,
): void {
  result.then(
    (settled) => {
      if (settled.ok) {
        const data = shape(settled.data);
        callback(data === undefined ? { code: 200 } : { code: 200, data });
        return;
      }
      const error = settled.error;
      const code = localCodes.has(error.code) || error.status === undefined ? -1 : error.status;
      callback({ code, error: error.message });
    },
    (thrown: unknown) => callback({ code: -1, error: String(thrown) }),
  );
}
