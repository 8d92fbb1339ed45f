import type { EmulatorContext } from "../exchange.ts";
import type { ObjectRecord } from "../store/types.ts";
import {
  changeDeleteAfterDays,
  changeLifecycle,
  changeMime,
  changeStatus,
  changeType,
  restoreArchive,
} from "./objectChanges.ts";
import { done, type OpResult, refused, target } from "./target.ts";

export type { OpResult } from "./target.ts";

/** The operations a path or a batch `op` may name, by their first segment. */
const operations: Record<
  string,
  (ctx: EmulatorContext, args: readonly string[], query: URLSearchParams) => Promise<OpResult>
> = {
  stat,
  delete: remove,
  move: (ctx, args) => transfer(ctx, args, "move"),
  copy: (ctx, args) => transfer(ctx, args, "copy"),
  chgm: changeMime,
  chtype: changeType,
  chstatus: changeStatus,
  deleteAfterDays: changeDeleteAfterDays,
  lifecycle: changeLifecycle,
  restoreAr: restoreArchive,
};

/** The first path segments that name an object operation (`stat`, `delete`, `move` …). */
export const operationNames: readonly string[] = Object.keys(operations);

/**
 * Runs one object operation named by its path segments (`["stat", "<E>"]`, `["move", E1, E2,
 * "force", "true"]` …), for a route or for an `op` of a batch.
 *
 * @param ctx - The emulator.
 * @param segments - The path segments, the operation's name first.
 * @param query - The query (`needparts` of stat).
 * @returns The code and data, as a batch item.
 */
export async function runOperation(
  ctx: EmulatorContext,
  segments: readonly string[],
  query: URLSearchParams = new URLSearchParams(),
): Promise<OpResult> {
  const [name = "", ...args] = segments;
  const operation = Object.hasOwn(operations, name) ? operations[name] : undefined;
  if (operation === undefined) return refused(400, `unknown operation ${name}`);
  return operation(ctx, args, query);
}

async function stat(
  ctx: EmulatorContext,
  args: readonly string[],
  query: URLSearchParams,
): Promise<OpResult> {
  if (args.length !== 1) return refused(400, "invalid argument");
  const found = target(ctx, args[0]);
  if (!found.ok) return found.result;
  if (found.record === undefined) return refused(612, "no such file or directory");
  return done(describe(found.record, query.get("needparts") === "true"));
}

/** The fields of stat for an object. */
export function describe(record: ObjectRecord, withParts = false): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    fsize: record.fsize,
    hash: record.hash,
    mimeType: record.mimeType,
    putTime: record.putTime,
    type: record.type,
  };
  if (record.md5 !== undefined) fields.md5 = record.md5;
  if (record.status !== 0) fields.status = record.status;
  if (record.endUser !== undefined) fields.endUser = record.endUser;
  if (record.restoreStatus !== undefined) fields.restoreStatus = record.restoreStatus;
  const upload = Math.floor(record.putTime / 10_000_000);
  const at = (days: number | undefined) =>
    days === undefined ? undefined : upload + days * 86_400;
  const lifecycle = record.lifecycle ?? {};
  const dates = {
    expiration: at(lifecycle.deleteAfterDays),
    transitionToIA: at(lifecycle.toIAAfterDays),
    transitionToArchiveIR: at(lifecycle.toArchiveIRAfterDays),
    transitionToARCHIVE: at(lifecycle.toArchiveAfterDays),
    transitionToDeepArchive: at(lifecycle.toDeepArchiveAfterDays),
  };
  for (const [name, value] of Object.entries(dates)) if (value !== undefined) fields[name] = value;
  if (Object.keys(record.meta).length > 0) fields["x-qn-meta"] = { ...record.meta };
  if (withParts && record.parts !== undefined) fields.parts = [...record.parts];
  return fields;
}

async function remove(ctx: EmulatorContext, args: readonly string[]): Promise<OpResult> {
  if (args.length !== 1) return refused(400, "invalid argument");
  const found = target(ctx, args[0]);
  if (!found.ok) return found.result;
  if (found.record === undefined) return refused(612, "no such file or directory");
  await ctx.catalog.deleteObject(found.bucket, found.key);
  return done();
}

/** `move` and `copy`: `/<op>/<Esrc>/<Edst>[/force/<true|false>]`. */
async function transfer(
  ctx: EmulatorContext,
  args: readonly string[],
  kind: "move" | "copy",
): Promise<OpResult> {
  const [src, dst, flag, force] = args;
  if (
    args.length !== 2 &&
    !(args.length === 4 && flag === "force" && (force === "true" || force === "false"))
  ) {
    return refused(400, "invalid argument");
  }
  const from = target(ctx, src);
  if (!from.ok) return from.result;
  const to = target(ctx, dst);
  if (!to.ok) return to.result;
  if (from.record === undefined) return refused(612, "no such file or directory");
  const same = from.bucket === to.bucket && from.key === to.key;
  if (to.record !== undefined && force !== "true") return refused(614, "file exists");
  if (same) return done();

  const { catalog } = ctx;
  const record: ObjectRecord = { ...from.record, key: to.key, meta: { ...from.record.meta } };
  if (kind === "copy") record.putTime = Date.now() * 10_000;
  await catalog.putObject(to.bucket, record);
  if (kind === "move") await catalog.deleteObject(from.bucket, from.key);
  return done();
}
