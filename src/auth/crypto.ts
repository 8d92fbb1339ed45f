import { type HmacSha1Key, hmacSha1Key, hmacSha1Sync, sha1Sync } from "../checksums/sha1.ts";
import { toBytes } from "./base64.ts";

/** Web Crypto, looked up when first needed so that importing the package stays free. */
function subtle(): SubtleCrypto {
  return globalThis.crypto.subtle;
}

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
 * call would cost a trip to another thread for each request.
 */
export async function hmacSha1(secret: string, data: string | Uint8Array): Promise<Uint8Array> {
  return hmacSha1Sync(hmacKey(secret), toBytes(data));
}

/** Below this size a SHA-1 in plain TypeScript is done before a Web Crypto one would start. */
const SYNC_SHA1_LIMIT = 16 * 1024;

/**
 * SHA-1 of `data`: in plain TypeScript when it is short, through Web Crypto (on another thread
 * where the runtime has them) when it is long. Either way `data` may be changed once this returns.
 */
export async function sha1(data: string | Uint8Array): Promise<Uint8Array> {
  const bytes = toBytes(data);
  if (bytes.length <= SYNC_SHA1_LIMIT) return sha1Sync(bytes);
  return new Uint8Array(await subtle().digest("SHA-1", bytes as BufferSource));
}

/** Compares two strings in time that depends on their length only. */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = toBytes(a);
  const y = toBytes(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
