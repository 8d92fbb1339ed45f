import { safeParse, type ZodMiniType } from "zod/mini";
import type { KodoIssue } from "./errors.ts";

/** The outcome of checking a value against a schema. */
export type Checked<T> = { ok: true; value: T } | { ok: false; issues: KodoIssue[] };

/** Checks `value` against a zod/mini schema and returns the value or the issues found. */
export function check<T>(schema: ZodMiniType<T>, value: unknown): Checked<T> {
  const parsed = safeParse(schema, value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path, message: issue.message }));
  return { ok: false, issues };
}

/** Renders issues as one line for an error message. */
export function describeIssues(issues: readonly KodoIssue[]): string {
  return issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ` : "") + issue.message)
    .join("; ");
}
