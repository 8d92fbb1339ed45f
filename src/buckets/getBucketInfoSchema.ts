import * as z from "zod/mini";

/** The settings of a bucket, as the service sends them. */
export const infoSchema = z.looseObject({
  private: z.optional(z.union([z.number(), z.boolean()])),
  region: z.optional(z.string()),
  zone: z.optional(z.string()),
});
