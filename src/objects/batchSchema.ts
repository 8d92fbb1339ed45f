import * as z from "zod/mini";

/** The answer of a batch request: a code and data per op. */
export const answerSchema = z.array(
  z.object({
    code: z.int(),
    data: z.optional(z.nullable(z.looseObject({ error: z.optional(z.string()) }))),
  }),
);
