import { stat } from "node:fs/promises";
import { KodoError } from "../errors.ts";
import { fail, ok, type Result } from "../result.ts";

/**
 * Checks that a path names a file that can be read, before a command reads it.
 *
 * @param path - The path as given.
 * @returns The file's size; `not_found` when nothing is there, `invalid_input` for a directory
 *   or another kind of entry, `source_error` when it cannot be examined.
 * @example
 * const checked = await checkLocalFile("./cat.jpg");
 * if (!checked.ok) return reportFailure("put", checked.error, json);
 */
export async function checkLocalFile(path: string): Promise<Result<{ size: number }>> {
  try {
    const info = await stat(path);
    if (info.isFile()) return ok({ size: info.size });
    return fail(new KodoError({ code: "invalid_input", message: `${path} is not a file` }));
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      return fail(new KodoError({ code: "not_found", message: `no such file: ${path}`, cause }));
    }
    const reason = cause instanceof Error ? cause.message : String(cause);
    return fail(
      new KodoError({ code: "source_error", message: `cannot read ${path}: ${reason}`, cause }),
    );
  }
}
