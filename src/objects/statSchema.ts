import * as z from "zod/mini";

/** The object fields `stat` and batch stats answer with, as the service sends them. */
export const statSchema = z.looseObject({
  fsize: z.number().check(z.minimum(0)),
  hash: z.string(),
  mimeType: z.string(),
  putTime: z.number(),
  type: z.optional(z.int()),
  status: z.optional(z.int()),
  md5: z.optional(z.string()),
  endUser: z.optional(z.string()),
  expiration: z.optional(z.number()),
  restoreStatus: z.optional(z.int()),
  "x-qn-meta": z.optional(z.record(z.string(), z.string())),
});
