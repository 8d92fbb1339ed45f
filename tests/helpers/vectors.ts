/** The repeating unit of the Rust SDK's etag tests: 'A', 4093 × 'b', then CR LF. */
function rustUnit(): Uint8Array {
  const unit = new Uint8Array(4096).fill(0x62);
  unit[0] = 0x41;
  unit[4094] = 0x0d;
  unit[4095] = 0x0a;
  return unit;
}

/** The 4096-byte unit repeated and cut to `size` bytes. */
export function rustPattern(size: number): Uint8Array<ArrayBuffer> {
  const unit = rustUnit();
  const bytes = new Uint8Array(size);
  for (let offset = 0; offset < size; offset += unit.length) {
    bytes.set(unit.subarray(0, Math.min(unit.length, size - offset)), offset);
  }
  return bytes;
}

/** `size - 1` zero bytes followed by the ASCII digit '0'. */
export function zerosThenZeroDigit(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  if (size > 0) bytes[size - 1] = 0x30;
  return bytes;
}

/**
 * Builds the input that a known-answer vector names: `empty`, `ascii:<text>`, `rust-pattern(n)`
 * or `zeros-then-0(n)`.
 */
export function vectorInput(spec: string): Uint8Array<ArrayBuffer> {
  if (spec === "empty") return new Uint8Array(0);
  if (spec.startsWith("ascii:")) return new TextEncoder().encode(spec.slice("ascii:".length));
  const sized = /^(rust-pattern|zeros-then-0)\((\d+)\)$/.exec(spec);
  if (sized !== null) {
    const size = Number(sized[2]);
    return sized[1] === "rust-pattern" ? rustPattern(size) : zerosThenZeroDigit(size);
  }
  throw new Error(`unknown vector input: ${spec}`);
}
