import type { FileHandle } from "node:fs/promises";

/**
 * Reads a file from `position` until `buffer` is full or the file ends, in Node, Deno and Bun.
 *
 * @param handle - An open file.
 * @param buffer - Where the bytes go, from its start.
 * @param position - Where in the file to read from.
 * @returns How many bytes were read: fewer than `buffer.length` only at the end of the file.
 * @example
 * const filled = await readFull(handle, new Uint8Array(4 * 1024 * 1024), 0);
 */
export async function readFull(
  handle: FileHandle,
  buffer: Uint8Array,
  position: number,
): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const length = buffer.length - filled;
    const { bytesRead } = await handle.read(buffer, filled, length, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}
