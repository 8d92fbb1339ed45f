import * as z from "zod/mini";

/** The answer of an upload with the default returnBody; a returnBody may say anything. */
export const uploadAnswerSchema = z.looseObject({
  hash: z.optional(z.string()),
  key: z.optional(z.nullable(z.string())),
});
