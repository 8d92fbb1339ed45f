import type { Client } from "../client.ts";
import { invalidInput, KodoError } from "../errors.ts";
import { fail, type Result } from "../result.ts";
import { type GetData, type GetOptions, get } from "./get.ts";

/**
 * Like {@link get}, but only while the object is still the version `baseVer` names: the link
 * resumes an interrupted download of the same content.
 *
 * @param client - The client whose bucket holds the object.
 * @param key - The object's key.
 * @param baseVer - The `hash` an earlier call returned.
 * @param options - As for {@link get}.
 * @returns As {@link get}; `content_modified` (608) when the object's hash is no longer `baseVer`.
 * @example
 * const again = await getIfNotModified(client, "big.iso", previous.hash);
 * if (!again.ok && again.error.code === "content_modified") startOver();
 */
export async function getIfNotModified(
  client: Client,
  key: string,
  baseVer: string,
  options?: GetOptions,
): Promise<Result<GetData>> {
  if (typeof baseVer !== "string" || baseVer.length === 0) {
    return fail(invalidInput("baseVer: expected the hash of an earlier get or stat"));
  }

  const current = await get(client, key, options);
  if (!current.ok || current.data.hash === baseVer) return current;
  const message = `file modified: hash is ${current.data.hash}, not ${baseVer}`;
  return fail(new KodoError({ code: "content_modified", status: 608, message }));
}
