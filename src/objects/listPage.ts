import type { Client } from "../client.ts";
import { invalidInput, type KodoError } from "../errors.ts";
import { callJson } from "../http/callService.ts";
import { fail, ok, type Result } from "../result.ts";
import { type Infer, lazySchema } from "../schema.ts";
import { checkOptions } from "../validate.ts";

/** Options of {@link listPage} and {@link list}. */
export interface ListOptions {
  /** Only keys that start with this. */
  prefix?: string | undefined;
  /** Group keys by what follows the prefix up to this character, usually `/`. */
  delimiter?: string | undefined;
  /** Keys per page, 1 to 1000 (1000 by default). */
  limit?: number | undefined;
  /** Where to go on from: the `marker` of the page before. */
  marker?: string | undefined;
  signal?: AbortSignal | undefined;
}

const pageSchema = lazySchema(() => import("./listPageSchema.ts").then((m) => m.pageSchema));

/** One item of a page, as the service sends it. */
type RawItem = NonNullable<Infer<typeof pageSchema>["items"]>[number];

/** One object in a listing. */
export interface ListItem {
  key: string;
  hash: string;
  fsize: number;
  mimeType: string;
  /** In 100-nanosecond units since 1970. */
  putTime: number;
  type: number;
  status: number;
  endUser?: string;
  md5?: string;
}

/** One page of a listing. */
export interface ListPageData {
  items: ListItem[];
  /** The groups of keys the delimiter made, such as `photos/2024/`. */
  commonPrefixes: string[];
  /** Pass it as `marker` for the next page; `undefined` when the listing is complete. */
  marker: string | undefined;
}

/** Checks listing options before a request is sent. */
export function checkListOptions(options: ListOptions | undefined): KodoError | undefined {
  const problem = checkOptions(options);
  if (problem !== undefined || options === undefined) return problem;
  for (const name of ["prefix", "delimiter", "marker"] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== "string" || !value.isWellFormed())) {
      return invalidInput(`options.${name}: expected a string`);
    }
  }
  const limit = options.limit;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 1000)) {
    return invalidInput("options.limit: expected a whole number from 1 to 1000");
  }
  return undefined;
}

/**
 * Lists one page of the bucket's objects, in key order.
 *
 * @param client - The client whose bucket to list.
 * @param options - Prefix, delimiter, page size and the marker to go on from.
 * @returns The items, the common prefixes and the next marker; `invalid_marker` (640) for a
 *   marker the service does not know.
 * @example
 * const page = await listPage(client, { prefix: "photos/", delimiter: "/", limit: 100 });
 * if (page.ok) console.log(page.data.commonPrefixes, page.data.marker);
 */
export async function listPage(
  client: Client,
  options?: ListOptions,
): Promise<Result<ListPageData>> {
  const problem = checkListOptions(options);
  if (problem !== undefined) return fail(problem);

  const query = new URLSearchParams({ bucket: client.bucket });
  query.set("prefix", options?.prefix ?? "");
  query.set("limit", String(options?.limit ?? 1000));
  query.set("marker", options?.marker ?? "");
  query.set("delimiter", options?.delimiter ?? "");
  const reply = await callJson(client, "rsf", {
    method: "GET",
    path: `/list?${query}`,
    schema: pageSchema,
    idempotent: true,
    signal: options?.signal,
  });
  if (!reply.ok) return reply;

  const body = reply.data.data;
  return ok({
    items: (body.items ?? []).map(toListItem),
    commonPrefixes: body.commonPrefixes ?? [],
    marker: body.marker === undefined || body.marker === "" ? undefined : body.marker,
  });
}

function toListItem(raw: RawItem): ListItem {
  const item: ListItem = {
    key: raw.key,
    hash: raw.hash,
    fsize: raw.fsize,
    mimeType: raw.mimeType,
    putTime: raw.putTime,
    type: raw.type ?? 0,
    status: raw.status ?? 0,
  };
  if (raw.endUser !== undefined) item.endUser = raw.endUser;
  if (raw.md5 !== undefined) item.md5 = raw.md5;
  return item;
}
