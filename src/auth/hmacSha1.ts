import { toBytes } from "./base64.ts";

const keys = new Map<string, Promise<CryptoKey>>();

/** The secret imported as a Web Crypto key, once per secret. */
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (key === undefined) {
    key = globalThis.crypto.subtle.importKey(
      "raw",
      toBytes(secret) as BufferSource,
      { name: "HMAC", hash: "SHA-1" },
      false,
      ["sign"],
    );
    // A process rarely holds more than a few secrets; the bound keeps a leak impossible.
    if (keys.size >= 16) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

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
  const signature = await globalThis.crypto.subtle.sign(
    "HMAC",
    await hmacKey(secret),
    toBytes(data) as BufferSource,
  );
  return new Uint8Array(signature);
}
