import type { Client } from "../client.ts";
import type { Result } from "../result.ts";
import { changeMetadataOp, type MetadataChange } from "./batchOps.ts";
import { sendOp } from "./sendOp.ts";

/** Options of {@link changeMetadata}: what to change, and a signal. */
export interface ChangeMetadataOptions extends MetadataChange {
  signal?: AbortSignal | undefined;
}

/**
 * Sets an object's metadata (`x-qn-meta-*`, which `stat` gives back as `metadata`) and the
 * headers a download of it is served with (`Cache-Control`, `Content-Type`,
 * `Content-Disposition` …), in one request. Fields not named are kept.
 *
 * @param client - The client whose bucket holds the object.
 * @param key - The object's key.
 * @param options - `metadata`, `headers`, a `condition` on the object's current state, a signal.
 * @returns `{}`; `not_found` (612) when there is no such object, a 412 `service_error` when the
 *   condition does not hold.
 * @example
 * const result = await changeMetadata(client, "app.js", {
 *   metadata: { build: "1042" },
 *   headers: { "Cache-Control": "public, max-age=31536000, immutable" },
 * });
 * if (!result.ok) console.error(result.error.code);
 */
export function changeMetadata(
  client: Client,
  key: string,
  options: ChangeMetadataOptions,
): Promise<Result<Record<string, never>>> {
  const change: MetadataChange =
    typeof options === "object" && options !== null
      ? { metadata: options.metadata, headers: options.headers, condition: options.condition }
      : options;
  return sendOp(client, changeMetadataOp(key, change), options);
}
