import * as z from "zod/mini";

/** One object of a page. */
const itemSchema = z.looseObject({
  key: z.string(),
  hash: z.string(),
  fsize: z.number(),
  mimeType: z.string(),
  putTime: z.number(),
  type: z.optional(z.int()),
  status: z.optional(z.int()),
  endUser: z.optional(z.string()),
  md5: z.optional(z.string()),
});

/** One page of a listing (`GET /list`), as the service sends it. */
export const pageSchema = z.looseObject({
  marker: z.optional(z.string()),
  commonPrefixes: z.optional(z.nullable(z.array(z.string()))),
  items: z.optional(z.nullable(z.array(itemSchema))),
});
