import { type Infer, lazySchema } from "../schema.ts";

/** The schema of what `stat` and batch stats answer, loaded with zod on first use. */
export const statAnswer = lazySchema(() => import("./statSchema.ts").then((m) => m.statSchema));

/** What `stat` tells about an object. */
export interface StatData {
  /** Size in bytes. */
  fsize: number;
  /** Qiniu's etag of the content. */
  hash: string;
  mimeType: string;
  /** When the object was last written, in 100-nanosecond units since 1970, as sent. */
  putTime: number;
  /** Storage class: 0 standard, 1 infrequent access, 2 archive, 3 deep archive, 4 archive-IR. */
  type: number;
  /** 0 enabled, 1 disabled. */
  status: number;
  md5?: string;
  endUser?: string;
  /** Unix seconds at which the object will be deleted, when a lifetime is set. */
  expiration?: number;
  restoreStatus?: number;
  /** The `x-qn-meta-*` metadata, names without the prefix. */
  metadata: Record<string, string>;
}

/** Turns a checked stat body into {@link StatData}. */
export function toStatData(body: Infer<typeof statAnswer>): StatData {
  const data: StatData = {
    fsize: body.fsize,
    hash: body.hash,
    mimeType: body.mimeType,
    putTime: body.putTime,
    type: body.type ?? 0,
    status: body.status ?? 0,
    metadata: body["x-qn-meta"] ?? {},
  };
  if (body.md5 !== undefined) data.md5 = body.md5;
  if (body.endUser !== undefined) data.endUser = body.endUser;
  if (body.expiration !== undefined) data.expiration = body.expiration;
  if (body.restoreStatus !== undefined) data.restoreStatus = body.restoreStatus;
  return data;
}
