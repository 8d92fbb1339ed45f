import { invalidInput } from "../errors.ts";
import type { ByteSource } from "./byteSource.ts";

/**
 * Holds a stream to the size its caller announced: reading fails once the stream proves longer
 * or shorter than `size`, so that an upload never stores a cut or a short copy of its body as
 * if it were the whole. Sources that know their own size (bytes, Blobs, files) pass unchanged.
 *
 * @param source - The body of an upload.
 * @returns A source whose reads throw an `invalid_input` KodoError on a length mismatch.
 * @example
 * const source = sizedSource(byteSource(stream, 1024).data);
 * await source.read(1024); // throws when the stream holds more or less than 1024 bytes
 */
export function sizedSource(source: ByteSource): ByteSource {
  const size = source.size;
  if (size === undefined || source.readAt !== undefined) return source;
  let count = 0;
  let probed = false;

  // Counts what a read gave; at the announced size, looks one byte further, once.
  const counted = async (asked: number, got: number): Promise<number> => {
    count += got;
    if (count > size) throw longer(size);
    if (got < asked && count < size) {
      throw invalidInput(`body: the stream ended after ${count} bytes; options.size is ${size}`);
    }
    if (count === size && !probed) {
      probed = true;
      if ((await source.read(1)).length > 0) throw longer(size);
    }
    return got;
  };

  const readInto = source.readInto;
  return {
    size,
    read: async (length) => {
      const bytes = await source.read(length);
      await counted(length, bytes.length);
      return bytes;
    },
    readInto:
      readInto === undefined
        ? undefined
        : async (buffer) => counted(buffer.length, await readInto(buffer)),
    close: () => source.close(),
  };
}

function longer(size: number) {
  return invalidInput(`body: the stream holds more than options.size (${size} bytes)`);
}
