import { KodoError } from "../errors.ts";
import { fail, type Result } from "../result.ts";
import type { EtagOptions } from "./types.ts";

/**
 * Computes the etag of a file by its path: only where there is a file system (Node, Deno, Bun).
 * Here, in a browser or a worker, it gives `invalid_input`: pass a `File` or `Blob` to `etag`.
 *
 * @example
 * const result = await etag(file); // a File from an <input type="file">
 */
export async function etagFile(path: string, _options?: EtagOptions): Promise<Result<string>> {
  const message = `etagFile(${JSON.stringify(path)}): no file system here; use etag with a File`;
  return fail(new KodoError({ code: "invalid_input", message }));
}
