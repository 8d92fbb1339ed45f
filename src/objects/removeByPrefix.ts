import type { Client } from "../client.ts";
import { invalidInput, type KodoError } from "../errors.ts";
import { fail, ok, type Result } from "../result.ts";
import { checkOptions } from "../validate.ts";
import { batch } from "./batch.ts";
import { removeOp } from "./batchOps.ts";
import { listPage } from "./listPage.ts";

/** How far {@link removeByPrefix} has come, after each page of keys. */
export interface RemoveByPrefixProgress {
  removed: number;
  failed: number;
}

/** Options of {@link removeByPrefix}. */
export interface RemoveByPrefixOptions {
  /** Called after each page of up to 1,000 keys has been deleted. */
  onProgress?: ((progress: RemoveByPrefixProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
}

/** A key that could not be deleted, and why. */
export interface RemoveFailure {
  key: string;
  error: KodoError;
}

/** What {@link removeByPrefix} did, key by key. */
export interface RemoveByPrefixData {
  /** The keys deleted, in key order. */
  removed: string[];
  /** The keys listed but not deleted, each with its error (`not_found` when already gone). */
  failed: RemoveFailure[];
  /**
   * The error that ended the run before the listing was complete (a listing page or a batch
   * request that failed, an abort); `undefined` when every key under the prefix was tried.
   */
  stoppedBy: KodoError | undefined;
}

/**
 * Deletes every object whose key starts with `prefix`: lists the keys page by page and deletes
 * each page in one batch, reporting per key what was removed and what failed.
 *
 * @param client - The client whose bucket holds the objects.
 * @param prefix - A non-empty key prefix such as `tmp/` (use `drop` to empty a whole bucket).
 * @param options - A progress callback and a signal.
 * @returns The keys removed and those that failed; the call fails only for bad input or when the
 *   first listing fails. A run stopped later says why in `stoppedBy`.
 * @example
 * const result = await removeByPrefix(client, "cache/2023-");
 * if (result.ok) console.log(result.data.removed.length, result.data.stoppedBy);
 */
export async function removeByPrefix(
  client: Client,
  prefix: string,
  options?: RemoveByPrefixOptions,
): Promise<Result<RemoveByPrefixData>> {
  const problem = checkPrefix(prefix) ?? checkOptions(options);
  if (problem !== undefined) return fail(problem);
  const onProgress = options?.onProgress;
  if (onProgress !== undefined && typeof onProgress !== "function") {
    return fail(invalidInput("options.onProgress: expected a function"));
  }
  const signal = options?.signal;

  // Page by page: deleting does not disturb the markers of the listing.
  const report: RemoveByPrefixData = { removed: [], failed: [], stoppedBy: undefined };
  let marker: string | undefined;
  do {
    // A first listing that fails is the whole call's failure; a later one stops it.
    const page = await listPage(client, { prefix, marker, signal });
    if (!page.ok) {
      if (marker === undefined) return page;
      report.stoppedBy = page.error;
      break;
    }

    // One batch per page; a request that failed as a whole fails each of its keys.
    const keys = page.data.items.map((item) => item.key);
    const deleted = await batch(
      client,
      keys.map((key) => removeOp(key)),
      { signal },
    );
    const outcomes = deleted.ok ? deleted.data : keys.map(() => deleted);
    outcomes.forEach((outcome, i) => {
      const key = keys[i]!;
      if (outcome.ok) report.removed.push(key);
      else report.failed.push({ key, error: outcome.error });
    });
    onProgress?.({ removed: report.removed.length, failed: report.failed.length });
    if (!deleted.ok) {
      report.stoppedBy = deleted.error;
      break;
    }
    marker = page.data.marker;
  } while (marker !== undefined);
  return ok(report);
}

function checkPrefix(prefix: unknown): KodoError | undefined {
  if (typeof prefix !== "string" || prefix === "" || !prefix.isWellFormed()) {
    return invalidInput("prefix: expected a non-empty string (drop empties a whole bucket)");
  }
  return undefined;
}
