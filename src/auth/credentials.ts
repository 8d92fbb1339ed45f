import { urlsafeBase64Encode } from "./base64.ts";
import { hmacSha1 } from "./hmacSha1.ts";

/** An access key and the secret key that signs for it. A {@link Client} is one. */
export interface Credentials {
  readonly accessKey: string;
  readonly secretKey: string;
}

/**
 * Signs data: `<accessKey>:<urlsafe base64 of HMAC-SHA1(secretKey, data)>`.
 *
 * @example
 * await sign({ accessKey: "ak", secretKey: "sk" }, "hello") // "ak:NDN8cM0rwosxhHJ6QAcI7ialr0g="
 */
export async function sign(credentials: Credentials, data: string | Uint8Array): Promise<string> {
  const digest = await hmacSha1(credentials.secretKey, data);
  return `${credentials.accessKey}:${urlsafeBase64Encode(digest)}`;
}

/**
 * Encodes data and signs the encoding: `<accessKey>:<sign>:<encoded data>`, the form of upload
 * tokens.
 *
 * @example
 * await signWithData({ accessKey: "ak", secretKey: "sk" }, "hello")
 */
export async function signWithData(credentials: Credentials, data: string): Promise<string> {
  const encoded = urlsafeBase64Encode(data);
  return `${await sign(credentials, encoded)}:${encoded}`;
}
