import * as z from "zod/mini";

/** The domains bound to a bucket. */
export const domainsSchema = z.array(z.string());
