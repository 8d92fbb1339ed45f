import { toBytes } from "../auth/base64.ts";
import { invalidInput } from "../errors.ts";

/**
 * Reads one chunk of a body as bytes: any typed array or `DataView` (a Node `Buffer` included),
 * an `ArrayBuffer`, or a string as UTF-8, which a Node `Readable` with an encoding yields.
 *
 * @param value - The chunk as the source gave it.
 * @returns A view of the same bytes, without copying when it is binary.
 */
export function toChunk(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (typeof value === "string") return toBytes(value);
  throw invalidInput(`etag: a body chunk must be bytes, not ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "an object";
  return typeof value;
}
