import { decodeEntry } from "../../auth/entry.ts";
import type { EmulatorContext } from "../exchange.ts";
import type { ObjectRecord } from "../store/types.ts";

/** The outcome of one object operation, as a batch reports it. */
export interface OpResult {
  code: number;
  data?: unknown;
}

/** A success, with data for stat. */
export const done = (data?: unknown): OpResult =>
  data === undefined ? { code: 200 } : { code: 200, data };

/** A failure in the `{error}` shape. */
export const refused = (code: number, message: string): OpResult => ({
  code,
  data: { error: message },
});

/** The named object of an operation, or why it cannot be reached. */
export type Target =
  | { ok: true; bucket: string; key: string; record: ObjectRecord | undefined }
  | { ok: false; result: OpResult };

/**
 * Decodes an EncodedEntryURI and finds its bucket and object.
 *
 * @returns The target (the record `undefined` when the key is missing), or 400 / 631.
 */
export function target(ctx: EmulatorContext, encoded: string | undefined): Target {
  const entry = encoded === undefined ? undefined : decodeEntry(encoded);
  if (entry === undefined || entry.key === undefined) {
    return { ok: false, result: refused(400, "invalid argument") };
  }
  if (ctx.catalog.bucket(entry.bucket) === undefined) {
    return { ok: false, result: refused(631, "no such bucket") };
  }
  return {
    ok: true,
    bucket: entry.bucket,
    key: entry.key,
    record: ctx.catalog.object(entry.bucket, entry.key),
  };
}
