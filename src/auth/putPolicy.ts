import type { KodoIssue } from "../errors.ts";
import {
  anyText,
  arrayOf,
  bool,
  fieldIssues,
  isRecord,
  optional,
  type Rule,
  text,
  whole,
} from "../validate.ts";

/** `0` or `1`, the service's way of saying no or yes. */
export type Flag = 0 | 1;

/**
 * The put policy of an upload token, every field of Qiniu's documentation. Unknown fields are
 * kept, so a policy from a newer service version passes through.
 */
export interface PutPolicy {
  /** `bucket`, `bucket:key`, or `bucket:keyPrefix` with `isPrefixalScope: 1`. */
  scope: string;
  isPrefixalScope?: Flag | undefined;
  /** Unix seconds after which the token is refused. */
  deadline: number;
  insertOnly?: Flag | undefined;
  endUser?: string | undefined;
  returnUrl?: string | undefined;
  returnBody?: string | undefined;
  callbackUrl?: string | undefined;
  callbackHost?: string | undefined;
  callbackBody?: string | undefined;
  callbackBodyType?: string | undefined;
  callbackFetchKey?: Flag | undefined;
  persistentOps?: string | undefined;
  persistentNotifyUrl?: string | undefined;
  persistentPipeline?: string | undefined;
  persistentType?: Flag | undefined;
  persistentWorkflowTemplateID?: string | undefined;
  saveKey?: string | undefined;
  forceSaveKey?: boolean | undefined;
  fsizeMin?: number | undefined;
  fsizeLimit?: number | undefined;
  /** 1: the service detects the type; 0: the uploader's, else by extension; -1: the uploader's. */
  detectMime?: -1 | Flag | undefined;
  mimeLimit?: string | undefined;
  deleteAfterDays?: number | undefined;
  /** Storage class: 0 standard, 1 infrequent access, 2 archive, 3 deep archive, 4 archive-IR. */
  fileType?: number | undefined;
  trafficLimit?: number | undefined;
  keylimit?: string[] | undefined;
  /** A field of a newer service version. */
  [field: string]: unknown;
}

const flag = optional((value) => (value === 0 || value === 1 ? undefined : "expected 0 or 1"));
const count = optional(whole(0));
const words = optional(anyText);

const policyRules: Record<string, Rule> = {
  scope: text,
  isPrefixalScope: flag,
  deadline: whole(1),
  insertOnly: flag,
  endUser: words,
  returnUrl: words,
  returnBody: words,
  callbackUrl: words,
  callbackHost: words,
  callbackBody: words,
  callbackBodyType: words,
  callbackFetchKey: flag,
  persistentOps: words,
  persistentNotifyUrl: words,
  persistentPipeline: words,
  persistentType: flag,
  persistentWorkflowTemplateID: words,
  saveKey: words,
  forceSaveKey: optional(bool),
  fsizeMin: count,
  fsizeLimit: count,
  detectMime: optional(whole(-1, 1)),
  mimeLimit: words,
  deleteAfterDays: count,
  fileType: optional(whole(0, 5)),
  trafficLimit: count,
  keylimit: optional(arrayOf(anyText)),
};

/**
 * Checks a put policy, field by field; fields the documentation does not name pass.
 *
 * @param value - The policy to check, as given or as decoded from a token.
 * @returns The issues found, empty when the value is a valid {@link PutPolicy}.
 * @example
 * putPolicyIssues({ scope: "photos", deadline: 0 }) // [{ path: ["deadline"], message: … }]
 */
export function putPolicyIssues(value: unknown): KodoIssue[] {
  if (!isRecord(value)) return [{ path: [], message: "expected an object" }];
  return fieldIssues(value, policyRules);
}
