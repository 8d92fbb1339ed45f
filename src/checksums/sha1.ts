/**
 * SHA-1 (FIPS 180-4) and HMAC-SHA1 in plain TypeScript, for short data such as the etag of a
 * small upload or a request to sign: it takes microseconds this way, where a Web Crypto call
 * costs a round trip to another thread. Large data, such as 4 MiB etag blocks, goes to Web
 * Crypto, which is faster there.
 */

/** The state before any block: H0 to H4. */
const INITIAL = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];

/** The message schedule, used by one compression at a time (compressions never interleave). */
const w = new Int32Array(80);

/** Mixes the 64-byte block at `offset` into `state` (H0 to H4, updated in place). */
function compress(state: Int32Array, bytes: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const at = offset + i * 4;
    w[i] = (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
  }
  for (let i = 16; i < 80; i++) {
    const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
    w[i] = (x << 1) | (x >>> 31);
  }

  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  // Four rounds of twenty steps, each with its own function and constant.
  for (let i = 0; i < 20; i++) {
    const t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + w[i]! + 0x5a827999) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (let i = 20; i < 40; i++) {
    const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[i]! + 0x6ed9eba1) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (let i = 40; i < 60; i++) {
    const t =
      (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + w[i]! + 0x8f1bbcdc) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (let i = 60; i < 80; i++) {
    const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[i]! + 0xca62c1d6) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  state[0]! += a;
  state[1]! += b;
  state[2]! += c;
  state[3]! += d;
  state[4]! += e;
}

/**
 * Ends a SHA-1: hashes `data` after the blocks that `state` holds already, pads, and gives the
 * digest.
 *
 * @param state - H0 to H4 after `absorbed` bytes; changed in place.
 * @param absorbed - How many bytes went into `state` before `data` (a multiple of 64).
 */
function finish(state: Int32Array, absorbed: number, data: Uint8Array): Uint8Array {
  const whole = data.length - (data.length % 64);
  for (let offset = 0; offset < whole; offset += 64) compress(state, data, offset);

  // The last bytes, a 1 bit, zeros, and the length in bits as a 64-bit big-endian number.
  const rest = data.length - whole;
  const tail = new Uint8Array(rest < 56 ? 64 : 128);
  tail.set(data.subarray(whole));
  tail[rest] = 0x80;
  const bits = (absorbed + data.length) * 8;
  for (let i = 1; i <= 8; i++) tail[tail.length - i] = Math.floor(bits / 2 ** (8 * i - 8));
  for (let offset = 0; offset < tail.length; offset += 64) compress(state, tail, offset);

  const digest = new Uint8Array(20);
  for (let i = 0; i < 20; i++) digest[i] = state[i >> 2]! >>> (24 - (i % 4) * 8);
  return digest;
}

/**
 * The SHA-1 of bytes.
 *
 * @param data - The message.
 * @returns The 20-byte digest.
 * @example
 * sha1Sync(new TextEncoder().encode("abc")); // a9993e36 4706816a ba3e2571 7850c26c 9cd0d89d
 */
export function sha1Sync(data: Uint8Array): Uint8Array {
  return finish(Int32Array.from(INITIAL), 0, data);
}

/** An HMAC-SHA1 key made ready: the SHA-1 states after its inner and its outer padded block. */
export interface HmacSha1Key {
  readonly inner: Int32Array;
  readonly outer: Int32Array;
}

/**
 * Prepares a key for {@link hmacSha1Sync} (RFC 2104): a key longer than a block is hashed
 * first, then each padded block is hashed once, for every message the key will sign.
 *
 * @param key - The secret, any length.
 * @returns The key, ready to sign with.
 * @example
 * const key = hmacSha1Key(new TextEncoder().encode("Jefe"));
 */
export function hmacSha1Key(key: Uint8Array): HmacSha1Key {
  const block = new Uint8Array(64);
  block.set(key.length > 64 ? sha1Sync(key) : key);
  const padded = (pad: number): Int32Array => {
    const state = Int32Array.from(INITIAL);
    const xored = block.map((byte) => byte ^ pad);
    compress(state, xored, 0);
    return state;
  };
  return { inner: padded(0x36), outer: padded(0x5c) };
}

/**
 * The HMAC-SHA1 of bytes, in plain TypeScript: the SHA-1 of the message after the inner block,
 * then of that digest after the outer block, both blocks hashed already by {@link hmacSha1Key}.
 * Microseconds for the requests and tokens that get signed.
 *
 * @param key - A key from {@link hmacSha1Key}; it is not changed.
 * @param data - The message.
 * @returns The 20-byte MAC.
 * @example
 * hmacSha1Sync(hmacSha1Key(jefe), message); // effcdf6a e5eb2fa2 … for RFC 2202's case 2
 */
export function hmacSha1Sync(key: HmacSha1Key, data: Uint8Array): Uint8Array {
  const inner = finish(Int32Array.from(key.inner), 64, data);
  return finish(Int32Array.from(key.outer), 64, inner);
}
