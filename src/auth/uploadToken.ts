import * as z from "zod/mini";
import { invalidInput } from "../errors.ts";
import { fail, ok, type Result } from "../result.ts";
import { check, describeIssues } from "../schema.ts";
import { urlsafeBase64DecodeText } from "./base64.ts";
import { type Credentials, signWithData } from "./credentials.ts";
import { type PutPolicy, putPolicySchema } from "./putPolicy.ts";

/** A put policy whose `deadline` may instead come from `expiresIn` seconds from now. */
export type UploadTokenPolicy = Omit<PutPolicy, "deadline"> & {
  deadline?: number | undefined;
  /** Seconds from now until the token expires (3600 by default); ignored when `deadline` is set. */
  expiresIn?: number | undefined;
};

/** The default lifetime of an upload token, in seconds. */
export const defaultTokenLifetime = 3600;

const credentialsSchema = z.object({
  accessKey: z.string().check(z.minLength(1), z.regex(/^[^:]+$/, "must not hold ':'")),
  secretKey: z.string().check(z.minLength(1)),
});

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
  const keys = check(credentialsSchema, credentials);
  if (!keys.ok) return fail(invalidInput(`credentials: ${describeIssues(keys.issues)}`, keys.issues));
  if (typeof policy !== "object" || policy === null) return fail(invalidInput("policy: expected an object"));

  const { expiresIn, ...fields } = policy;
  if (expiresIn !== undefined && !(Number.isInteger(expiresIn) && expiresIn > 0)) {
    return fail(invalidInput("policy.expiresIn: expected a positive whole number of seconds"));
  }
  const deadline = fields.deadline ?? Math.floor(Date.now() / 1000) + (expiresIn ?? defaultTokenLifetime);
  const checked = check(putPolicySchema, { ...dropUndefined(fields), deadline });
  if (!checked.ok) return fail(invalidInput(`policy: ${describeIssues(checked.issues)}`, checked.issues));

  return ok(await signWithData(credentials, JSON.stringify(checked.value)));
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
  const checked = check(putPolicySchema, raw);
  if (!checked.ok) return undefined;

  const policy = checked.value;
  const colon = policy.scope.indexOf(":");
  const bucket = colon < 0 ? policy.scope : policy.scope.slice(0, colon);
  return { accessKey: token.slice(0, first), signed: token.slice(0, last), encodedPolicy, policy, bucket };
}
