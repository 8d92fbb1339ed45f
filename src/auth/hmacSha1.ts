import { toBytes } from "./base64.ts";
import { perSecret } from "./perSecret.ts";

const keyOf = perSecret((secret) =>
  globalThis.crypto.subtle.importKey(
    "raw",
    toBytes(secret) as BufferSource,
    { name: "HMAC", hash: "SHA-1" },
    false,
    ["sign"],
  ),
);

/**
 * HMAC-SHA1 of `data` under `secret`, through Web Crypto: the smallest code for browsers and
 * workers. The build for Node, Deno and Bun puts `hmacSha1.plain.ts` in its place.
 *
 * @param secret - The secret key.
 * @param data - What to sign; a string is signed as UTF-8.
 * @returns The 20-byte MAC.
 * @example
 * const mac = await hmacSha1("Jefe", "what do ya want for nothing?"); // effcdf6a…
 */
export async function hmacSha1(secret: string, data: string | Uint8Array): Promise<Uint8Array> {
  const key = await keyOf(secret);
  const signature = await globalThis.crypto.subtle.sign("HMAC", key, toBytes(data) as BufferSource);
  return new Uint8Array(signature);
}
