import { toBytes } from "../auth/base64.ts";

/** Eight 256-entry tables: table k maps a byte to its CRC followed by k zero bytes. */
let tables: Int32Array | undefined;

function crcTables(): Int32Array {
  if (tables !== undefined) return tables;
  const t = new Int32Array(8 * 256);

  // The byte-at-a-time table of the reflected polynomial 0xEDB88320.
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }

  // Each further table pushes one more zero byte through the first.
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  tables = t;
  return t;
}

/**
 * IEEE CRC-32 (as zlib and Qiniu's `crc32` fields) of bytes, or of a string as UTF-8; pass the
 * previous result to continue a running checksum over the next piece.
 *
 * @param data - The bytes to add.
 * @param previous - The checksum of what came before; 0 for a new checksum.
 * @returns The checksum as an unsigned 32-bit number.
 * @example
 * crc32("hello"); // 907060870
 * crc32("lo", crc32("hel")); // 907060870
 */
export function crc32(data: Uint8Array | string, previous = 0): number {
  const bytes = toBytes(data);
  const t = crcTables();
  let crc = ~previous;
  let i = 0;

  // Eight bytes per step (slicing-by-8), then the tail one byte at a time.
  for (const end = bytes.length - 7; i < end; i += 8) {
    const low =
      crc ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    crc =
      t[1792 + (low & 0xff)]! ^
      t[1536 + ((low >>> 8) & 0xff)]! ^
      t[1280 + ((low >>> 16) & 0xff)]! ^
      t[1024 + (low >>> 24)]! ^
      t[768 + bytes[i + 4]!]! ^
      t[512 + bytes[i + 5]!]! ^
      t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
  }
  for (; i < bytes.length; i++) crc = t[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
