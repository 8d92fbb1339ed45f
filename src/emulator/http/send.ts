import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { Reply } from "./reply.ts";

/**
 * Writes a reply. Statuses above 599 (612, 614 …) go out as they are, as Qiniu sends them.
 *
 * @param res - The response.
 * @param reply - What to send.
 * @param options - `head`: send no body (HEAD); `stallMs`: wait after the head (a fault).
 * @returns The number of body bytes written.
 */
export async function send(
  res: ServerResponse,
  reply: Reply,
  options: { head?: boolean; stallMs?: number | undefined } = {},
): Promise<number> {
  if (res.headersSent || res.destroyed) {
    await discard(reply.body);
    return 0;
  }
  const headers: Record<string, string | number> = { ...reply.headers };
  const body = reply.body;
  const fixed =
    typeof body === "string" ? Buffer.from(body) : body instanceof Uint8Array ? body : undefined;
  if (fixed !== undefined) headers["Content-Length"] = fixed.length;
  else if (body === undefined && headers["Content-Length"] === undefined)
    headers["Content-Length"] = 0;
  res.writeHead(reply.status, headers);

  // A stall fault: the head now, the body later.
  if (options.stallMs !== undefined && options.stallMs > 0) {
    res.flushHeaders();
    await sleep(options.stallMs);
    if (res.destroyed) {
      await discard(body);
      return 0;
    }
  }

  if (options.head === true || body === undefined) {
    await discard(body);
    res.end();
    return 0;
  }
  if (fixed !== undefined || typeof body === "string" || body instanceof Uint8Array) {
    res.end(fixed);
    return fixed?.length ?? 0;
  }

  // A stream, with back-pressure; a client that goes away stops it.
  let written = 0;
  for await (const chunk of body) {
    if (res.destroyed) return written;
    written += chunk.length;
    if (!res.write(chunk)) await writable(res);
  }
  res.end();
  return written;
}

/** Resolves once the response can take more data, or is closed. */
function writable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/** Gives up a streamed body that will not be read, so that what it holds (a blob) is let go. */
export async function discard(body: Reply["body"]): Promise<void> {
  if (body === undefined || typeof body === "string" || body instanceof Uint8Array) return;
  await body[Symbol.asyncIterator]().return?.();
}
