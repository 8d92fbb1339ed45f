import * as z from "zod/mini";
import { check, describeIssues } from "../schema.ts";
import type { FaultRule } from "./types.ts";

const count = z.optional(z.int().check(z.minimum(0)));

/** The schema of a {@link FaultRule}, for the options and for the admin route. */
export const faultRuleSchema = z.object({
  route: z.string().check(z.minLength(1)),
  status: z.optional(z.int().check(z.minimum(100), z.maximum(999))),
  times: count,
  resetAfterBytes: count,
  delayMs: count,
  stallMs: count,
  body: z.optional(z.string()),
  retryAfter: count,
  hosts: z.optional(z.array(z.string())),
  probability: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
});

/** An active rule and how many more requests it may affect. */
interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

/** The fault rules in force, first match wins. */
export class Faults {
  #rules: ActiveRule[] = [];

  /**
   * Adds a rule after the others.
   *
   * @param rule - The rule; checked against {@link faultRuleSchema}.
   * @returns An error message when the rule is not valid.
   */
  add(rule: unknown): string | undefined {
    const checked = check(faultRuleSchema, rule);
    if (!checked.ok) return `invalid fault rule: ${describeIssues(checked.issues)}`;
    const valid: FaultRule = checked.value;
    this.#rules.push({ rule: valid, remaining: valid.times ?? Number.POSITIVE_INFINITY });
    return undefined;
  }

  clear(): void {
    this.#rules = [];
  }

  /** The rules still in force, each with how many requests it may still affect. */
  list(): Array<FaultRule & { remaining: number | null }> {
    return this.#rules.map(({ rule, remaining }) => ({
      ...rule,
      remaining: Number.isFinite(remaining) ? remaining : null,
    }));
  }

  /**
   * Finds the rule for a request and counts one use of it.
   *
   * @param route - The route name of the request.
   * @param host - Its `Host` header.
   * @returns The rule to apply, or `undefined`.
   */
  take(route: string, host: string): FaultRule | undefined {
    for (const active of this.#rules) {
      const { rule } = active;
      if (active.remaining <= 0 || !routeMatches(rule.route, route)) continue;
      const hosts = rule.hosts?.map((name) => name.toLowerCase());
      if (hosts !== undefined && !hosts.includes(host.toLowerCase())) continue;
      if (rule.probability !== undefined && Math.random() >= rule.probability) continue;
      active.remaining -= 1;
      this.#rules = this.#rules.filter((other) => other.remaining > 0);
      return rule;
    }
    return undefined;
  }
}

/** `*` matches every route, `up.*` every route under `up.`, anything else itself. */
function routeMatches(pattern: string, route: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith(".*")) return route.startsWith(pattern.slice(0, -1));
  return pattern === route;
}
