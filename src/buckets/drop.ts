import type { Client } from "../client.ts";
import { KodoError } from "../errors.ts";
import { callRaw } from "../http/callService.ts";
import { batch } from "../objects/batch.ts";
import { removeOp } from "../objects/batchOps.ts";
import { listPage } from "../objects/listPage.ts";
import { fail, ok, type Result } from "../result.ts";
import { checkOptions } from "../validate.ts";

/** Options of {@link drop}. */
export interface DropOptions {
  signal?: AbortSignal | undefined;
}

/** What {@link drop} did. */
export interface DropData {
  /** How many objects were deleted before the bucket was. */
  removed: number;
}

/**
 * Deletes every object of the client's bucket (listing, then batched deletes), then the bucket.
 * It cannot be undone.
 *
 * @param client - The client whose bucket to drop.
 * @returns How many objects were removed; the first failure otherwise (the bucket then stays,
 *   with the objects not yet deleted).
 * @example
 * const result = await drop(client);
 * if (result.ok) console.log(`dropped ${client.bucket} and ${result.data.removed} objects`);
 */
export async function drop(client: Client, options?: DropOptions): Promise<Result<DropData>> {
  const problem = checkOptions(options);
  if (problem !== undefined) return fail(problem);
  const signal = options?.signal;

  // Delete page by page; deleting does not disturb the markers of the listing.
  let removed = 0;
  let marker: string | undefined;
  do {
    const page = await listPage(client, { marker, signal });
    if (!page.ok) return page;
    const deleted = await batch(
      client,
      page.data.items.map((item) => removeOp(item.key)),
      { signal },
    );
    if (!deleted.ok) return deleted;
    for (const item of deleted.data) {
      if (item.ok) removed++;
      else if (item.error.code !== "not_found") return failAfter(removed, item.error);
    }
    marker = page.data.marker;
  } while (marker !== undefined);

  const dropped = await callRaw(client, "uc", {
    method: "POST",
    path: `/drop/${encodeURIComponent(client.bucket)}`,
    expect: "empty",
    idempotent: false,
    signal,
  });
  return dropped.ok ? ok({ removed }) : dropped;
}

function failAfter(removed: number, error: KodoError): Result<DropData> {
  const message = `${error.message} (after ${removed} objects were deleted)`;
  return fail(new KodoError({ ...error, message, cause: error }));
}
