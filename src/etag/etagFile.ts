import { urlsafeBase64Encode } from "../auth/base64.ts";
import { invalidInput } from "../errors.ts";
import { readFull } from "../readFull.ts";
import type { Result } from "../result.ts";
import { blockConcurrency, createBlockDigests, ETAG_BLOCK_SIZE } from "./createBlockDigests.ts";
import { settle } from "./etag.ts";
import { throwIfAborted } from "./throwIfAborted.ts";
import type { EtagOptions } from "./types.ts";

/**
 * Computes Qiniu's etag (v1) of a local file by its path, in Node, Deno and Bun: the file is read
 * 4 MiB at a time, each block read while the blocks before it are hashed on other threads, with
 * one 4 MiB buffer used again and again. Compare the result with the `hash` of `stat` to tell
 * whether the file is already stored; `etag` takes any other body.
 *
 * @param path - The file's path.
 * @param options - `signal` to stop, `concurrency` of the block digests (2 by default).
 * @returns The 28-character etag; `invalid_input` for a path that is not a file's, `aborted`, or
 *   `source_error` when the file cannot be read.
 * @example
 * const local = await etagFile("./cat.jpg");
 * const remote = await stat(client, "cat.jpg");
 * if (local.ok && remote.ok && local.data === remote.data.hash) console.log("already there");
 */
export function etagFile(path: string, options: EtagOptions = {}): Promise<Result<string>> {
  return settle(etagOfFile(path, options));
}

async function etagOfFile(path: string, options: EtagOptions): Promise<string> {
  if (typeof path !== "string" || path.length === 0) {
    throw invalidInput("path: expected a file path");
  }
  const { signal } = options;
  const blocks = createBlockDigests(blockConcurrency(options.concurrency));
  throwIfAborted(signal);

  // node:fs loads on the first call, as for putFile: importing the package stays cheap.
  const { open } = await import("node:fs/promises");
  const handle = await open(path, "r");
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw invalidInput(`path: ${path} is not a file`);

    // Web Crypto copies a block when its digest starts, so the buffer can take the next one.
    const block = new Uint8Array(ETAG_BLOCK_SIZE);
    for (let position = 0; ; ) {
      throwIfAborted(signal);
      const filled = await readFull(handle, block, position);
      if (filled === 0 && position > 0) break;
      await blocks.add(block.subarray(0, filled));
      position += filled;
      if (filled < block.length) break;
    }
    throwIfAborted(signal);
    return urlsafeBase64Encode(await blocks.finish());
  } finally {
    await handle.close();
  }
}
