import { invalidInput, type KodoError } from "./errors.ts";

const encoder = new TextEncoder();

/** The longest key the service accepts, in UTF-8 bytes. */
export const maxKeyBytes = 750;

/**
 * Checks an object key before it is sent: a non-empty string of well-formed Unicode, at most 750
 * bytes in UTF-8.
 *
 * @returns The error to report, or `undefined` when the key is fine.
 */
export function checkKey(key: unknown, name = "key"): KodoError | undefined {
  if (typeof key !== "string") return invalidInput(`${name}: expected a string`);
  if (key.length === 0) return invalidInput(`${name}: must not be empty`);
  if (!key.isWellFormed()) return invalidInput(`${name}: holds a lone surrogate (not valid UTF-8)`);
  const bytes = encoder.encode(key).length;
  if (bytes > maxKeyBytes) {
    return invalidInput(`${name}: ${bytes} bytes in UTF-8, more than ${maxKeyBytes}`);
  }
  return undefined;
}

/** Checks a bucket name: 1 to 63 letters, digits, `-` or `_`. */
export function checkBucket(bucket: unknown, name = "bucket"): KodoError | undefined {
  if (typeof bucket !== "string" || !/^[A-Za-z0-9_-]{1,63}$/.test(bucket)) {
    return invalidInput(`${name}: expected 1 to 63 letters, digits, '-' or '_'`);
  }
  return undefined;
}

/** Checks that options, when given, are an object. */
export function checkOptions(options: unknown, name = "options"): KodoError | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    return invalidInput(`${name}: expected an object`);
  }
  const signal = (options as { signal?: unknown }).signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    return invalidInput(`${name}.signal: expected an AbortSignal`);
  }
  return undefined;
}
