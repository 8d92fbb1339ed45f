import type { Client } from "../client.ts";
import { KodoError } from "../errors.ts";
import { fail, type Result } from "../result.ts";
import type { PutOptions } from "./put.ts";
import type { UploadData } from "./uploadTypes.ts";

/** Options of {@link putFile}. */
export interface PutFileOptions extends PutOptions {
  resume?: boolean | undefined;
}

/**
 * Uploads a file by its path: only where there is a file system (Node, Deno, Bun). Here, in a
 * browser or a worker, it gives `invalid_input`: upload a `File` or `Blob` with `put` instead.
 *
 * @example
 * const result = await put(client, file.name, file); // a File from an <input type="file">
 */
export async function putFile(
  _client: Client,
  _key: string,
  path: string,
  _options?: PutFileOptions,
): Promise<Result<UploadData>> {
  const name = JSON.stringify(path);
  const message = `putFile(${name}): no file system here; use put with a File or Blob`;
  return fail(new KodoError({ code: "invalid_input", message }));
}
