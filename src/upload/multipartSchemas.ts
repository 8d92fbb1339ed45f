import * as z from "zod/mini";

/** The answer that starts a multipart upload. */
export const initSchema = z.looseObject({
  uploadId: z.string().check(z.minLength(1)),
  expireAt: z.number(),
});

/** The answer to one part sent. */
export const partSchema = z.looseObject({
  etag: z.string().check(z.minLength(1)),
  md5: z.optional(z.string()),
});

/** One page of the parts an upload holds. */
export const listedSchema = z.looseObject({
  partNumberMarker: z.optional(z.number()),
  parts: z.optional(
    z.nullable(z.array(z.looseObject({ partNumber: z.int(), etag: z.string(), size: z.number() }))),
  ),
});
