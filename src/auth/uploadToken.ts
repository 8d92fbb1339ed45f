import { invalidInput } from "../errors.ts";
import { fail, ok, type Result } from "../result.ts";
import { describeIssues } from "../schema.ts";
import { fieldIssues, isRecord, text } from "../validate.ts";
import { urlsafeBase64DecodeText } from "./base64.ts";
import { type Credentials, signWithData } from "./credentials.ts";
import { type PutPolicy, putPolicyIssues } from "./putPolicy.ts";

/** A put policy whose `deadline` may instead come from `expiresIn` seconds from now. */
export type UploadTokenPolicy = Omit<PutPolicy, "deadline"> & {
  deadline?: number | undefined;
  /** Seconds from now until the token expires (3600 by default); ignored when `deadline` is set. */
  expiresIn?: number | undefined;
};

/** The default lifetime of an upload token, in seconds. */
export const defaultTokenLifetime = 3600;

const credentialRules = {
  accessKey: (value: unknown) =>
    text(value) ?? (/:/.test(value as string) ? "must not hold ':'" : undefined),
  secretKey: text,
};

/**
 * Signs a put policy into an upload token, locally: `<accessKey>:<sign>:<encoded policy>`.
 *
 * @param credentials - The access key and secret key.
 * @param policy - The put policy; `scope` is required, `deadline` defaults to an hour from now.
 * @returns The token, or `invalid_input` when the policy or the credentials are not valid.
 * @example
 * const result = await uploadToken(client, { scope: "photos:cat.jpg", expiresIn: 600 });
 * if (result.ok) sendToBrowser(result.data);
 */
export async function uploadToken(
  credentials: Credentials,
  policy: UploadTokenPolicy,
): Promise<Result<string>> {
  const keys = isRecord(credentials)
    ? fieldIssues(credentials, credentialRules)
    : [{ path: [], message: "expected an object" }];
  if (keys.length > 0) return fail(invalidInput(`credentials: ${describeIssues(keys)}`, keys));
  if (typeof policy !== "object" || policy === null) {
    return fail(invalidInput("policy: expected an object"));
  }

  const { expiresIn, ...fields } = policy;
  if (expiresIn !== undefined && !(Number.isInteger(expiresIn) && expiresIn > 0)) {
    return fail(invalidInput("policy.expiresIn: expected a positive whole number of seconds"));
  }
  const deadline =
    fields.deadline ?? Math.floor(Date.now() / 1000) + (expiresIn ?? defaultTokenLifetime);
  const signed = { ...dropUndefined(fields), deadline };
  const issues = putPolicyIssues(signed);
  if (issues.length > 0) return fail(invalidInput(`policy: ${describeIssues(issues)}`, issues));

  return ok(await signWithData(credentials, JSON.stringify(signed)));
}

function dropUndefined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/** The parts of an upload token. */
export interface ParsedUploadToken {
  accessKey: string;
  /** `<accessKey>:<sign>`, what the signature check compares. */
  signed: string;
  encodedPolicy: string;
  policy: PutPolicy;
  /** The bucket named by the scope. */
  bucket: string;
}

/**
 * Reads an upload token without checking its signature: the access key before the first colon,
 * the policy after the last one.
 *
 * @returns The parts, or `undefined` when the token is malformed.
 */
export function parseUploadToken(token: string): ParsedUploadToken | undefined {
  const first = token.indexOf(":");
  const last = token.lastIndexOf(":");
  if (first <= 0 || last <= first) return undefined;

  const encodedPolicy = token.slice(last + 1);
  const json = urlsafeBase64DecodeText(encodedPolicy);
  if (json === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (putPolicyIssues(raw).length > 0) return undefined;

  const policy = raw as PutPolicy;
  const colon = policy.scope.indexOf(":");
  const bucket = colon < 0 ? policy.scope : policy.scope.slice(0, colon);
  return {
    accessKey: token.slice(0, first),
    signed: token.slice(0, last),
    encodedPolicy,
    policy,
    bucket,
  };
}
