import * as z from "zod/mini";

/** What the service answers when it has fetched a URL into the bucket. */
export const fetchedSchema = z.looseObject({
  key: z.string(),
  hash: z.string(),
  fsize: z.number().check(z.minimum(0)),
  mimeType: z.string(),
});
