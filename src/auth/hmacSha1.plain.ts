import { type HmacSha1Key, hmacSha1Key, hmacSha1Sync } from "../checksums/sha1.ts";
import { toBytes } from "./base64.ts";

const keys = new Map<string, HmacSha1Key>();

/** The secret made ready to sign with, once per secret. */
function hmacKey(secret: string): HmacSha1Key {
  let key = keys.get(secret);
  if (key === undefined) {
    key = hmacSha1Key(toBytes(secret));
    // A process rarely holds more than a few secrets; the bound keeps a leak impossible.
    if (keys.size >= 16) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

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
  return hmacSha1Sync(hmacKey(secret), toBytes(data));
}
