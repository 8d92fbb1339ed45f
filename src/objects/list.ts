import type { Client } from "../client.ts";
import { fail, type Result } from "../result.ts";
import { checkListOptions, type ListItem, type ListOptions, listPage } from "./listPage.ts";

/** One entry of {@link list}: an object, or a common prefix the delimiter grouped keys under. */
export type ListEntry = { type: "item"; item: ListItem } | { type: "prefix"; prefix: string };

/**
 * Lists the bucket's objects as an async iterator that follows the markers to the end. Each step
 * is a `Result`: an entry, or the error that ended the listing (the last step then).
 *
 * @param client - The client whose bucket to list.
 * @param options - Prefix, delimiter, page size and a marker to start from.
 * @returns An async iterable of `Result<ListEntry>`.
 * @example
 * for await (const entry of list(client, { prefix: "photos/", delimiter: "/" })) {
 *   if (!entry.ok) throw entry.error;
 *   console.log(entry.data.type === "item" ? entry.data.item.key : entry.data.prefix);
 * }
 */
export async function* list(
  client: Client,
  options?: ListOptions,
): AsyncGenerator<Result<ListEntry>, void, undefined> {
  // Options of the wrong type must not be spread into valid ones.
  const problem = checkListOptions(options);
  if (problem !== undefined) {
    yield fail(problem);
    return;
  }

  // A prefix can span pages; each one is yielded once.
  const seen = new Set<string>();
  let marker = options?.marker;
  do {
    const page = await listPage(client, { ...options, marker });
    if (!page.ok) {
      yield page;
      return;
    }
    for (const prefix of page.data.commonPrefixes) {
      if (seen.has(prefix)) continue;
      seen.add(prefix);
      yield { ok: true, data: { type: "prefix", prefix } };
    }
    for (const item of page.data.items) yield { ok: true, data: { type: "item", item } };
    marker = page.data.marker;
  } while (marker !== undefined);
}
