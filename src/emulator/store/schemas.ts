import * as z from "zod/mini";

const optionalText = z.optional(z.string());
const optionalCount = z.optional(z.number());

/** A bucket as saved in `catalog.json`. */
export const bucketRecordSchema = z.object({
  name: z.string(),
  private: z.boolean(),
  region: z.string(),
  ctime: z.number(),
  mirror: z.optional(z.object({ source: z.string(), host: optionalText })),
});

/** A download domain as saved in `catalog.json`. */
export const domainRecordSchema = z.object({
  name: z.string(),
  bucket: z.string(),
  online: z.boolean(),
  ctime: z.number(),
  utime: z.number(),
});

/** An object's metadata as saved in `objects/<bucket>/<sha1 of key>.json`. */
export const objectRecordSchema = z.object({
  key: z.string(),
  blob: z.string(),
  fsize: z.number(),
  hash: z.string(),
  md5: optionalText,
  mimeType: z.string(),
  putTime: z.number(),
  type: z.number(),
  status: z.number(),
  endUser: optionalText,
  meta: z.record(z.string(), z.string()),
  lifecycle: z.optional(
    z.object({
      toIAAfterDays: optionalCount,
      toArchiveIRAfterDays: optionalCount,
      toArchiveAfterDays: optionalCount,
      toDeepArchiveAfterDays: optionalCount,
      deleteAfterDays: optionalCount,
    }),
  ),
  restoreStatus: optionalCount,
  parts: z.optional(z.array(z.number())),
});
