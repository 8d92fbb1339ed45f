import { KodoError, sourceError } from "../errors.ts";
import { untilAborted } from "../http/attempt.ts";
import { fail, ok, type Result } from "../result.ts";
import type { ByteSource } from "./byteSource.ts";

/** The bytes of a part, and how to give their memory back once nothing reads them any more. */
export interface ReadPart {
  bytes: Uint8Array;
  release(): void;
}

/** Reads the parts of a source. */
export interface PartReader {
  /**
   * Reads a part: `size` bytes at `offset`, or the next ones when the source cannot seek (fewer
   * only at the end). An abort ends the wait at once; the read is left to finish on its own.
   */
  read(offset: number, size: number, signal: AbortSignal): Promise<Result<ReadPart>>;
}

/**
 * Reads the parts of a source, each into a buffer of a small pool when the source can fill one:
 * a released buffer is used again for a later part, so that memory holds about as many parts as
 * are in flight, however many the object has, and the garbage collector has little to do.
 *
 * @param source - The body.
 * @param partSize - The size of every part but the last.
 * @returns The reader.
 */
export function partReader(source: ByteSource, partSize: number): PartReader {
  const free: Uint8Array[] = [];
  const length = Math.min(partSize, source.size ?? partSize);
  const take = () => free.pop() ?? new Uint8Array(length);

  const fill = async (offset: number, size: number): Promise<ReadPart> => {
    // Sources that give memory of their own (bytes, Blobs) have nothing to fill.
    const { readAt, readAtInto, readInto } = source;
    const into =
      readAt === undefined
        ? readInto
        : readAtInto === undefined
          ? undefined
          : (buffer: Uint8Array) => readAtInto(buffer, offset);
    if (into === undefined || size !== partSize) {
      const bytes = readAt === undefined ? await source.read(size) : await readAt(offset, size);
      return { bytes, release: () => undefined };
    }
    const buffer = take();
    let released = false;
    const release = () => {
      if (!released) free.push(buffer);
      released = true;
    };
    try {
      const count = await into(buffer);
      return { bytes: buffer.subarray(0, count), release };
    } catch (error) {
      release();
      throw error;
    }
  };

  return {
    async read(offset, size, signal) {
      try {
        return ok(await untilAborted(fill(offset, size), signal, (late) => late.release()));
      } catch (cause) {
        if (signal.aborted)
          return fail(new KodoError({ code: "aborted", message: "aborted", cause }));
        return fail(sourceError(cause));
      }
    },
  };
}
