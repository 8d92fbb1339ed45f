import * as z from "zod/mini";

const hostList = z.nullish(z.array(z.string()));

/** The hosts of one service of a region. */
const serviceSchema = z.nullish(
  z.object({ domains: hostList, acc_domains: hostList, old: hostList }),
);

/** One region of a bucket. */
const regionSchema = z.object({
  region: z.nullish(z.string()),
  ttl: z.nullish(z.number()),
  up: serviceSchema,
  io: serviceSchema,
  rs: serviceSchema,
  rsf: serviceSchema,
  api: serviceSchema,
  uc: serviceSchema,
});

/** The answer of the query service (`GET /v4/query`): the regions of a bucket. */
export const querySchema = z.object({ hosts: z.array(regionSchema) });
