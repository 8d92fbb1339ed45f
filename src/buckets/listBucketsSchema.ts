import * as z from "zod/mini";

/** The names of the buckets of an account. */
export const bucketsSchema = z.array(z.string());
