import { hmacSha1Key, hmacSha1Sync } from "../checksums/sha1.ts";
import { toBytes } from "./base64.ts";
import { perSecret } from "./perSecret.ts";

const keyOf = perSecret((secret) => hmacSha1Key(toBytes(secret)));

/**
 * HMAC-SHA1 of `data` under `secret`, in plain TypeScript: what is signed (a request line and a
 * few headers, a put policy, at most a batch's form) takes microseconds, where a Web Crypto
 * call costs a trip to another thread for each request in Node. The build for Node, Deno and
 * Bun uses this module in place of `hmacSha1.ts`; browsers keep the smaller one.
 *
 * @param secret - The secret key.
 * @param data - What to sign; a string is signed as UTF-8.
 * @returns The 20-byte MAC.
 * @example
 * const mac = await hmacSha1("Jefe", "what do ya want for nothing?"); // effcdf6a…
 */
export async function hmacSha1(secret: string, data: string | Uint8Array): Promise<Uint8Array> {
  return hmacSha1Sync(keyOf(secret), toBytes(data));
}
