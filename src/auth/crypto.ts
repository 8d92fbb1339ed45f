import { sha1Sync } from "../checksums/sha1.ts";
import { toBytes } from "./base64.ts";

/** Web Crypto, looked up when first needed so that importing the package stays free. */
function subtle(): SubtleCrypto {
  return globalThis.crypto.subtle;
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
