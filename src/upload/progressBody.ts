/**
 * The size of the slices a part is streamed in: progress moves in steps of this size, and each
 * slice costs fetch a little memory that the garbage collector must take back.
 */
const slice = 256 * 1024;

let streamsSupported: boolean | undefined;

/**
 * Whether fetch can send a stream as a request body here. Browsers are left out: they send one
 * only over HTTP/2, which a page cannot tell in advance. Probed once.
 */
function canStreamRequests(): boolean {
  if (streamsSupported !== undefined) return streamsSupported;
  const inBrowser = typeof (globalThis as { document?: unknown }).document !== "undefined";
  let duplexRead = false;
  try {
    const probe = new Request("http://localhost/", {
      method: "POST",
      body: new ReadableStream(),
      get duplex() {
        duplexRead = true;
        return "half";
      },
    } as RequestInit);
    streamsSupported = !inBrowser && duplexRead && !probe.headers.has("Content-Type");
  } catch {
    streamsSupported = false;
  }
  return streamsSupported;
}

/**
 * The body of a part: a stream of 256 KiB slices of the part's bytes (views, not copies) that
 * reports each slice as fetch takes it, where streams can be sent; else the bytes themselves,
 * reported whole once sent. Once `stop` is called the stream gives nothing more, so that the
 * part's memory can be used again even if fetch were still to read.
 *
 * @returns The body, and `stop`.
 */
export function progressBody(
  bytes: Uint8Array,
  onSent: (bytesSoFar: number) => void,
): { body: Uint8Array | ReadableStream<Uint8Array>; stop(): void } {
  if (bytes.length <= slice || !canStreamRequests()) {
    return { body: bytes, stop: () => undefined };
  }
  let source: Uint8Array | undefined = bytes;
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (source === undefined || offset >= source.length) {
        controller.close();
        return;
      }
      const end = Math.min(source.length, offset + slice);
      controller.enqueue(source.subarray(offset, end));
      offset = end;
      onSent(offset);
    },
  });
  return {
    body,
    stop: () => {
      source = undefined;
    },
  };
}
