import type { IncomingMessage } from "node:http";

/** How much of each body is kept for {@link RequestBody.preview}. */
const previewBytes = 1024;

/**
 * The body of a request, read at most once, counting the bytes as they arrive and keeping the
 * first KiB for the request record.
 */
export class RequestBody {
  /** Bytes received so far. */
  received = 0;
  readonly #req: IncomingMessage;
  readonly #preview: Uint8Array[] = [];
  #previewSize = 0;
  #started = false;

  constructor(req: IncomingMessage) {
    this.#req = req;
  }

  /** Whether reading has begun. */
  get started(): boolean {
    return this.#started;
  }

  /** The first KiB of what was read, as UTF-8 text. */
  preview(): string {
    const bytes = Buffer.concat(this.#preview).subarray(0, previewBytes);
    return new TextDecoder().decode(bytes);
  }

  /**
   * The chunks of the body as they arrive. Reading twice is an error.
   *
   * @param limit - Stop (and throw) when more bytes than this arrive.
   */
  async *chunks(limit = Number.POSITIVE_INFINITY): AsyncGenerator<Uint8Array> {
    if (this.#started) throw new Error("the request body was already read");
    this.#started = true;
    // Without an encoding set, a request yields Buffers; Node types its chunks as `any`.
    for await (const chunk of this.#req as AsyncIterable<Buffer>) {
      this.received += chunk.length;
      if (this.#previewSize < previewBytes) {
        this.#preview.push(chunk.subarray(0, previewBytes - this.#previewSize));
        this.#previewSize += Math.min(chunk.length, previewBytes - this.#previewSize);
      }
      if (this.received > limit) throw new BodyTooLarge(limit);
      yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
    }
  }

  /**
   * The whole body in one array.
   *
   * @param limit - The largest body accepted.
   * @returns The bytes, or `undefined` when the body is larger than `limit`.
   */
  async bytes(limit: number): Promise<Uint8Array | undefined> {
    const parts: Uint8Array[] = [];
    try {
      for await (const chunk of this.chunks(limit)) parts.push(chunk);
    } catch (error) {
      if (error instanceof BodyTooLarge) return undefined;
      throw error;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}

/** Thrown by {@link RequestBody.chunks} when a body goes past its limit. */
export class BodyTooLarge extends Error {
  constructor(limit: number) {
    super(`the request body is larger than ${limit} bytes`);
    this.name = "BodyTooLarge";
  }
}
