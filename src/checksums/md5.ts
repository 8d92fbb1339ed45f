import { invalidInput } from "../errors.ts";

/** An MD5 computation fed piece by piece. */
export interface Md5 {
  /**
   * Adds bytes (or a string, as UTF-8) to the message.
   *
   * @param data - The next piece of the message.
   * @returns The same computation, so that calls can be chained.
   */
  update(data: Uint8Array | string): Md5;
  /**
   * Ends the message and returns its 16-byte digest; later calls return the same digest.
   *
   * @returns A fresh copy of the digest.
   */
  digest(): Uint8Array;
  /**
   * Ends the message and returns its digest as lower-case hex, the form of `Content-MD5` in
   * multipart uploads.
   *
   * @returns 32 hex digits.
   */
  hex(): string;
}

const encoder = new TextEncoder();

/**
 * Starts an MD5 computation (RFC 1321) in plain TypeScript, since Web Crypto has no MD5.
 *
 * @returns A computation to feed with `update` and finish with `hex` or `digest`.
 * @example
 * const md5 = createMd5();
 * md5.update("hel").update("lo");
 * md5.hex(); // "5d41402abc4b2a76b9719d911017c592"
 */
export function createMd5(): Md5 {
  const state = new Int32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]);
  const pending = new Uint8Array(64);
  let pendingLength = 0;
  let length = 0;
  let result: Uint8Array | undefined;

  function update(data: Uint8Array | string): Md5 {
    if (result !== undefined) throw invalidInput("md5: update() was called after the digest");
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    length += bytes.length;
    let offset = 0;

    // Complete the block left over from the previous call.
    if (pendingLength > 0) {
      const take = Math.min(64 - pendingLength, bytes.length);
      pending.set(bytes.subarray(0, take), pendingLength);
      pendingLength += take;
      offset = take;
      if (pendingLength < 64) return md5;
      compress(state, pending, 0);
      pendingLength = 0;
    }

    // Whole blocks straight from the input, then keep the tail.
    for (; offset + 64 <= bytes.length; offset += 64) compress(state, bytes, offset);
    pending.set(bytes.subarray(offset), 0);
    pendingLength = bytes.length - offset;
    return md5;
  }

  function digest(): Uint8Array {
    result ??= finish(state, pending, pendingLength, length);
    return result.slice();
  }

  const md5: Md5 = { update, digest, hex: () => toHex(digest()) };
  return md5;
}

/**
 * MD5 of bytes (or a string, as UTF-8) as lower-case hex.
 *
 * @param data - The whole message.
 * @returns 32 hex digits.
 * @example
 * md5Hex("hello"); // "5d41402abc4b2a76b9719d911017c592"
 */
export function md5Hex(data: Uint8Array | string): string {
  return createMd5().update(data).hex();
}

/** Pads the message (0x80, zeros, the bit length) and returns the state as bytes. */
function finish(state: Int32Array, pending: Uint8Array, used: number, length: number): Uint8Array {
  const tail = new Uint8Array(used < 56 ? 64 : 128);
  tail.set(pending.subarray(0, used));
  tail[used] = 0x80;
  const bitsLow = (length % 0x20000000) * 8;
  const bitsHigh = Math.floor(length / 0x20000000);
  for (let i = 0; i < 4; i++) {
    tail[tail.length - 8 + i] = bitsLow >>> (8 * i);
    tail[tail.length - 4 + i] = bitsHigh >>> (8 * i);
  }
  for (let offset = 0; offset < tail.length; offset += 64) compress(state, tail, offset);

  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = state[i >> 2]! >>> (8 * (i & 3));
  return out;
}

function toHex(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += byte.toString(16).padStart(2, "0");
  return text;
}

/** The constant of each step: floor(|sin(i + 1)| × 2^32), as RFC 1321 lists them. */
const steps = new Int32Array([
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
  0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
  0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
  0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
  0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
  0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
  0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
  0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
]);

/** The left rotations of each round, four per round, used in turn. */
const rotations = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

/** The 16 little-endian words of the block being compressed. */
const words = new Int32Array(16);

/** Runs the four rounds of RFC 1321 over the 64-byte block of `m` that starts at `o`. */
function compress(state: Int32Array, m: Uint8Array, o: number): void {
  for (let i = 0; i < 16; i++, o += 4) {
    words[i] = m[o]! | (m[o + 1]! << 8) | (m[o + 2]! << 16) | (m[o + 3]! << 24);
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;

  // Each step adds the round's function of b, c and d, a word and a constant to a, rotates it
  // and adds b; then the registers move along: (a, b, c, d) becomes (d, new a, b, c).
  for (let i = 0; i < 64; i++) {
    const round = i >> 4;
    let mixed: number;
    let word: number;
    if (round === 0) {
      mixed = d ^ (b & (c ^ d));
      word = i;
    } else if (round === 1) {
      mixed = c ^ (d & (b ^ c));
      word = 5 * i + 1;
    } else if (round === 2) {
      mixed = b ^ c ^ d;
      word = 3 * i + 5;
    } else {
      mixed = c ^ (b | ~d);
      word = 7 * i;
    }
    const sum = (a + mixed + words[word & 15]! + steps[i]!) | 0;
    const shift = rotations[(round << 2) | (i & 3)]!;
    a = d;
    d = c;
    c = b;
    b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0;
  }

  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
}
