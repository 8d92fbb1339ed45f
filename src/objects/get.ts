import type { Client } from "../client.ts";
import { fail, ok, type Result } from "../result.ts";
import { checkKey, checkOptions } from "../validate.ts";
import { checkUrlOptions, downloadUrl } from "./downloadUrl.ts";
import { stat } from "./stat.ts";
import type { StatData } from "./statData.ts";

/** Options of {@link get}. */
export interface GetOptions {
  /** A file name for the browser to save the download as (`attname`). */
  saveAs?: string | undefined;
  /** Seconds a signed link stays valid (3600 by default). */
  expiresIn?: number | undefined;
  /** The domain to download from; the client's `domain`, else the bucket's first domain. */
  domain?: string | undefined;
  /** Sign the URL; by default it is signed when the bucket is private. */
  private?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

/** What {@link get} gives: the object's stat fields and a download link. */
export interface GetData extends StatData {
  url: string;
  /** Seconds the link stays valid; `undefined` for a public link. */
  expires: number | undefined;
}

/**
 * Gives an object's attributes and a link to download it: on the bucket's domain, signed when
 * the bucket is private, with `attname` for `saveAs`.
 *
 * @param client - The client whose bucket holds the object.
 * @param key - The object's key.
 * @param options - Save-as name, link lifetime, domain.
 * @returns Stat fields plus `url` and `expires`; `not_found` (612) when there is no such object.
 * @example
 * const result = await get(client, "cat.jpg", { saveAs: "my-cat.jpg" });
 * if (result.ok) console.log(result.data.url, result.data.fsize);
 */
export async function get(
  client: Client,
  key: string,
  options?: GetOptions,
): Promise<Result<GetData>> {
  const problem =
    checkKey(key) ??
    checkOptions(options) ??
    checkUrlOptions({
      attname: options?.saveAs,
      expiresIn: options?.expiresIn,
      domain: options?.domain,
    });
  if (problem !== undefined) return fail(problem);

  const [info, link] = await Promise.all([
    stat(client, key, { signal: options?.signal }),
    downloadUrl(client, key, {
      attname: options?.saveAs,
      expiresIn: options?.expiresIn,
      domain: options?.domain,
      private: options?.private,
      signal: options?.signal,
    }),
  ]);
  if (!info.ok) return info;
  if (!link.ok) return link;
  return ok({ ...info.data, url: link.data.url, expires: link.data.expires });
}
