import { invalidInput, type KodoError, type KodoIssue } from "./errors.ts";

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

/**
 * Tells whether a value is a bucket name: 1 to 63 letters, digits, `-` or `_`.
 *
 * @example
 * isBucketName("photos") // true
 */
export function isBucketName(value: unknown): value is string {
  return typeof value === "string" && /^[A-Za-z0-9_-]{1,63}$/.test(value);
}

/** Checks a bucket name: 1 to 63 letters, digits, `-` or `_`. */
export function checkBucket(bucket: unknown, name = "bucket"): KodoError | undefined {
  if (!isBucketName(bucket)) {
    return invalidInput(`${name}: expected 1 to 63 letters, digits, '-' or '_'`);
  }
  return undefined;
}

/** Checks that options, when given, are an object. */
export function checkOptions(options: unknown, name = "options"): KodoError | undefined {
  if (options === undefined) return undefined;
  if (!isRecord(options)) return invalidInput(`${name}: expected an object`);
  const signal = (options as { signal?: unknown }).signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    return invalidInput(`${name}.signal: expected an AbortSignal`);
  }
  return undefined;
}

/**
 * Checks one value of the caller's input: the problem to report, or `undefined` when it is fine.
 * Input is checked by hand, so that code which checks its input needs no zod (responses are
 * checked with zod/mini schemas).
 */
export type Rule = (value: unknown) => string | undefined;

/**
 * Lets `undefined` through, and checks anything else with `rule`.
 *
 * @param rule - The check of a value that is there.
 * @returns The rule of an optional value.
 * @example
 * optional(text)(undefined) // undefined
 */
export function optional(rule: Rule): Rule {
  return (value) => (value === undefined ? undefined : rule(value));
}

/** Passes a non-empty string. */
export const text: Rule = (value) =>
  typeof value === "string" && value !== "" ? undefined : "expected a non-empty string";

/** Passes any string, the empty one included. */
export const anyText: Rule = (value) =>
  typeof value === "string" ? undefined : "expected a string";

/** Passes `true` or `false`. */
export const bool: Rule = (value) =>
  typeof value === "boolean" ? undefined : "expected a boolean";

/** Passes a function. */
export const func: Rule = (value) =>
  typeof value === "function" ? undefined : "expected a function";

/** Passes a finite number of at least 0. */
export const nonNegative: Rule = (value) =>
  typeof value === "number" && Number.isFinite(value) && value >= 0
    ? undefined
    : "expected a number of at least 0";

/**
 * Passes a whole number from `min` to `max`.
 *
 * @param min - The least number allowed.
 * @param max - The greatest, the largest safe integer by default.
 * @returns The rule.
 * @example
 * whole(0, 20)(3.5) // "expected a whole number from 0 to 20"
 */
export function whole(min: number, max = Number.MAX_SAFE_INTEGER): Rule {
  const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
  return (value) =>
    Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max
      ? undefined
      : `expected a whole number ${range}`;
}

/**
 * Passes a number above 0 and at most `max`.
 *
 * @param max - The greatest number allowed.
 * @returns The rule.
 * @example
 * positiveUpTo(1000)(0) // "expected a positive number up to 1000"
 */
export function positiveUpTo(max: number): Rule {
  return (value) =>
    typeof value === "number" && value > 0 && value <= max
      ? undefined
      : `expected a positive number up to ${max}`;
}

/**
 * Passes an array whose every item passes `item`.
 *
 * @param item - The rule of each item.
 * @param nonEmpty - Refuse an empty array too.
 * @returns The rule; its message names the first item that failed.
 * @example
 * arrayOf(text)(["a", ""]) // "[1]: expected a non-empty string"
 */
export function arrayOf(item: Rule, nonEmpty = false): Rule {
  return (value) => {
    if (!Array.isArray(value)) return "expected an array";
    if (nonEmpty && value.length === 0) return "expected at least one item";
    const index = value.findIndex((entry) => item(entry) !== undefined);
    return index < 0 ? undefined : `[${index}]: ${item(value[index])}`;
  };
}

/**
 * Tells whether a value is an object that is neither null nor an array.
 *
 * @param value - Anything.
 * @returns `true` for an object whose fields can be checked.
 * @example
 * isRecord([]) // false
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks the fields of an object against a rule each, in the order the rules are given.
 *
 * @param value - The object to check.
 * @param rules - A rule per field; fields without a rule are not looked at.
 * @returns The issues found, empty when every field passes.
 * @example
 * fieldIssues({ retries: -1 }, { retries: optional(whole(0, 20)) })
 * // [{ path: ["retries"], message: "expected a whole number from 0 to 20" }]
 */
export function fieldIssues(
  value: Record<string, unknown>,
  rules: Record<string, Rule>,
): KodoIssue[] {
  const issues: KodoIssue[] = [];
  for (const [name, rule] of Object.entries(rules)) {
    const message = rule(value[name]);
    if (message !== undefined) issues.push({ path: [name], message });
  }
  return issues;
}

/**
 * Tells whether a value reads as a MIME type (`type/subtype`, parameters allowed after it).
 *
 * @param value - Anything.
 * @returns `true` for a string such as `text/plain` or `image/jpeg; q=1`.
 * @example
 * isMimeType("text/plain") // true
 */
export function isMimeType(value: unknown): value is string {
  return typeof value === "string" && /^[\w.+-]+\/[\w.+-]+/.test(value);
}
