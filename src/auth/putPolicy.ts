import * as z from "zod/mini";

const flag = z.optional(z.union([z.literal(0), z.literal(1)]));
const count = z.optional(z.int().check(z.minimum(0)));
const text = z.optional(z.string());

/**
 * The put policy of an upload token, every field of Qiniu's documentation. Unknown fields are
 * kept, so a policy from a newer service version passes through.
 */
export const putPolicySchema = z.looseObject({
  /** `bucket`, `bucket:key`, or `bucket:keyPrefix` with `isPrefixalScope: 1`. */
  scope: z.string().check(z.minLength(1)),
  isPrefixalScope: flag,
  /** Unix seconds after which the token is refused. */
  deadline: z.int().check(z.positive()),
  insertOnly: flag,
  endUser: text,
  returnUrl: text,
  returnBody: text,
  callbackUrl: text,
  callbackHost: text,
  callbackBody: text,
  callbackBodyType: text,
  callbackFetchKey: flag,
  persistentOps: text,
  persistentNotifyUrl: text,
  persistentPipeline: text,
  persistentType: flag,
  persistentWorkflowTemplateID: text,
  saveKey: text,
  forceSaveKey: z.optional(z.boolean()),
  fsizeMin: count,
  fsizeLimit: count,
  detectMime: flag,
  mimeLimit: text,
  deleteAfterDays: count,
  /** Storage class: 0 standard, 1 infrequent access, 2 archive, 3 deep archive, 4 archive-IR. */
  fileType: z.optional(z.int().check(z.minimum(0), z.maximum(5))),
  trafficLimit: count,
  keylimit: z.optional(z.array(z.string())),
});

/** A put policy, as signed into an upload token. */
export type PutPolicy = z.infer<typeof putPolicySchema>;
