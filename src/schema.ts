import type * as zod from "zod/mini";
import type { KodoIssue } from "./errors.ts";

/** The outcome of checking a value against a schema. */
export type Checked<T> = { ok: true; value: T } | { ok: false; issues: KodoIssue[] };

/**
 * A zod/mini schema that lives in a module of its own, imported the first time a value is
 * checked against it: zod loads then, so that importing the package costs none of zod's own
 * start-up. A bundler inlines the module, with only the zod functions it uses.
 */
export interface LazySchema<S extends zod.ZodMiniType> {
  /** Imports the schema's module, once. */
  load(): Promise<S>;
  /** The schema, once loaded. */
  readonly loaded: S | undefined;
}

/** What a value checked by a {@link LazySchema} becomes. */
export type Infer<L> = L extends LazySchema<infer S> ? zod.infer<S> : never;

/** A schema of a response body: a {@link LazySchema}, or a zod/mini schema built already. */
export type ResponseSchema<T> = LazySchema<zod.ZodMiniType<T>> | zod.ZodMiniType<T>;

/**
 * Declares a schema that its module gives on first use. Response schemas are declared this
 * way: a module of their own holds `export const xSchema = z.looseObject({ … })`, and the
 * operation that reads the response holds this handle.
 *
 * @param load - Imports the schema's module and picks the schema.
 * @returns The schema, to give to `callJson`, `request` or {@link checkResponse}.
 * @example
 * const pageSchema = lazySchema(() => import("./listPageSchema.ts").then((m) => m.pageSchema));
 * type Page = Infer<typeof pageSchema>;
 */
export function lazySchema<S extends zod.ZodMiniType>(load: () => Promise<S>): LazySchema<S> {
  let loading: Promise<S> | undefined;
  const schema: { load(): Promise<S>; loaded: S | undefined } = {
    load: () =>
      (loading ??= load().then((built) => {
        schema.loaded = built;
        return built;
      })),
    loaded: undefined,
  };
  return schema;
}

/**
 * Checks `value` against a zod/mini schema, through the schema's own Standard Schema
 * `validate`, and returns the value or the issues found.
 *
 * @param schema - A schema already built (every schema of ours is synchronous).
 * @param value - Anything, such as a parsed JSON body.
 * @returns The parsed value, or the issues with their paths.
 * @example
 * const checked = check(z.object({ id: z.string() }), JSON.parse(text));
 */
export function check<T>(schema: zod.ZodMiniType<T>, value: unknown): Checked<T> {
  const result = schema["~standard"].validate(value);
  if (result instanceof Promise) {
    return { ok: false, issues: [{ path: [], message: "the schema is asynchronous" }] };
  }
  if (result.issues === undefined) return { ok: true, value: result.value };
  const issues = result.issues.map((issue) => ({
    path: (issue.path ?? []).map((part) => (typeof part === "object" ? part.key : part)),
    message: issue.message,
  }));
  return { ok: false, issues };
}

/**
 * Checks a value against a response schema, building a lazy one first.
 *
 * @param schema - A {@link LazySchema} or a zod/mini schema.
 * @param value - A parsed response body.
 * @returns The checked value, or the issues found.
 * @example
 * const checked = await checkResponse(statAnswer, JSON.parse(text));
 */
export async function checkResponse<T>(
  schema: ResponseSchema<T>,
  value: unknown,
): Promise<Checked<T>> {
  const built = "load" in schema ? (schema.loaded ?? (await schema.load())) : schema;
  return check(built, value);
}

/** Renders issues as one line for an error message. */
export function describeIssues(issues: readonly KodoIssue[]): string {
  return issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ` : "") + issue.message)
    .join("; ");
}
