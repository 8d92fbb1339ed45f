import { urlsafeBase64DecodeText } from "../../auth/base64.ts";
import type { EmulatorContext } from "../exchange.ts";
import type { ObjectLifecycle, ObjectRecord } from "../store/types.ts";
import { done, type OpResult, refused, target } from "./target.ts";

const invalid = () => refused(400, "invalid argument");

/** Splits `name/value` pairs; `undefined` when they do not pair up. */
function pairs(args: readonly string[]): Array<[string, string]> | undefined {
  if (args.length % 2 !== 0) return undefined;
  const out: Array<[string, string]> = [];
  for (let i = 0; i < args.length; i += 2) out.push([args[i]!, args[i + 1]!]);
  return out;
}

/** The object of an operation that changes one, or the failure to report. */
function existing(
  ctx: EmulatorContext,
  encoded: string | undefined,
): { ok: true; bucket: string; record: ObjectRecord } | { ok: false; result: OpResult } {
  const found = target(ctx, encoded);
  if (!found.ok) return found;
  if (found.record === undefined)
    return { ok: false, result: refused(612, "no such file or directory") };
  return { ok: true, bucket: found.bucket, record: found.record };
}

/**
 * `chgm`: `/chgm/<E>[/mime/<b64>][/x-qn-meta-<name>/<b64>…][/cond/<b64>]`, the mime type and
 * metadata (`x-qn-meta-!<Header>` names override download headers).
 *
 * @returns 200, or 400 / 412 / 612.
 */
export async function changeMime(ctx: EmulatorContext, args: readonly string[]): Promise<OpResult> {
  const [encoded, ...rest] = args;
  const found = existing(ctx, encoded);
  if (!found.ok) return found.result;
  const list = pairs(rest);
  if (list === undefined || list.length === 0) return invalid();

  const record: ObjectRecord = { ...found.record, meta: { ...found.record.meta } };
  for (const [name, encodedValue] of list) {
    const value = urlsafeBase64DecodeText(encodedValue);
    if (value === undefined) return invalid();
    if (name === "mime") {
      if (value.trim() === "") return invalid();
      record.mimeType = value;
    } else if (name === "cond") {
      if (!conditionHolds(found.record, value)) return refused(412, "precondition failed");
    } else if (name.toLowerCase().startsWith("x-qn-meta-") && name.length > 10) {
      record.meta[name.slice(10)] = value;
    } else {
      return invalid();
    }
  }
  await ctx.catalog.putObject(found.bucket, record);
  return done();
}

/** Checks `hash=…&mime=…&fsize=…&putTime=…` against an object. */
function conditionHolds(record: ObjectRecord, condition: string): boolean {
  const wanted = new URLSearchParams(condition);
  const actual: Record<string, string> = {
    hash: record.hash,
    mime: record.mimeType,
    fsize: String(record.fsize),
    putTime: String(record.putTime),
  };
  for (const [name, value] of wanted) if (actual[name] !== value) return false;
  return true;
}

/**
 * `chtype`: `/chtype/<E>/type/<0-4>`, the storage class.
 *
 * @returns 200, or 400 / 612.
 */
export async function changeType(ctx: EmulatorContext, args: readonly string[]): Promise<OpResult> {
  const [encoded, name, value = ""] = args;
  if (args.length !== 3 || name !== "type" || !/^[0-4]$/.test(value)) return invalid();
  const found = existing(ctx, encoded);
  if (!found.ok) return found.result;
  const type = Number(value);
  const restoreStatus = type === 2 || type === 3 ? undefined : found.record.restoreStatus;
  await ctx.catalog.putObject(found.bucket, { ...found.record, type, restoreStatus });
  return done();
}

/**
 * `chstatus`: `/chstatus/<E>/status/<0|1>`, enable or disable downloads.
 *
 * @returns 200; 400 `already enabled` / `already disabled`; 612.
 */
export async function changeStatus(
  ctx: EmulatorContext,
  args: readonly string[],
): Promise<OpResult> {
  const [encoded, name, value = ""] = args;
  if (args.length !== 3 || name !== "status" || !/^[01]$/.test(value)) return invalid();
  const found = existing(ctx, encoded);
  if (!found.ok) return found.result;
  const status = Number(value);
  if (found.record.status === status) {
    return refused(400, status === 0 ? "already enabled" : "already disabled");
  }
  await ctx.catalog.putObject(found.bucket, { ...found.record, status });
  return done();
}

const lifecycleNames = [
  "toIAAfterDays",
  "toArchiveIRAfterDays",
  "toArchiveAfterDays",
  "toDeepArchiveAfterDays",
  "deleteAfterDays",
] as const;

/**
 * `lifecycle`: `/lifecycle/<E>/toIAAfterDays/<n>/…/deleteAfterDays/<n>`, days after upload for
 * each transition; 0 leaves a setting as it is, -1 cancels it.
 *
 * @returns 200, or 400 / 612.
 */
export function changeLifecycle(ctx: EmulatorContext, args: readonly string[]): Promise<OpResult> {
  const [encoded, ...rest] = args;
  return applyLifecycle(ctx, encoded, pairs(rest), false);
}

/**
 * `deleteAfterDays`: `/deleteAfterDays/<E>/<n>`, deletes the object n days after upload; 0 cancels.
 *
 * @returns 200, or 400 / 612.
 */
export function changeDeleteAfterDays(
  ctx: EmulatorContext,
  args: readonly string[],
): Promise<OpResult> {
  if (args.length !== 2) return Promise.resolve(invalid());
  return applyLifecycle(ctx, args[0], [["deleteAfterDays", args[1]!]], true);
}

async function applyLifecycle(
  ctx: EmulatorContext,
  encoded: string | undefined,
  list: Array<[string, string]> | undefined,
  zeroCancels: boolean,
): Promise<OpResult> {
  if (list === undefined || list.length === 0) return invalid();
  const found = existing(ctx, encoded);
  if (!found.ok) return found.result;

  const lifecycle: ObjectLifecycle = { ...found.record.lifecycle };
  for (const [name, value] of list) {
    const known = lifecycleNames.find((n) => n === name);
    if (known === undefined || !/^-?\d+$/.test(value)) return invalid();
    const days = Number(value);
    if (days < -1 || (zeroCancels && days < 0)) return invalid();
    if (days === -1 || (zeroCancels && days === 0)) delete lifecycle[known];
    else if (days > 0) lifecycle[known] = days;
  }
  const keep = Object.keys(lifecycle).length > 0 ? lifecycle : undefined;
  await ctx.catalog.putObject(found.bucket, { ...found.record, lifecycle: keep });
  return done();
}

/**
 * `restoreAr`: `/restoreAr/<E>/freezeAfterDays/<1-7>`, thaws an archived object (at once here).
 *
 * @returns 200; 400 for an object that is not archived; 612.
 */
export async function restoreArchive(
  ctx: EmulatorContext,
  args: readonly string[],
): Promise<OpResult> {
  const [encoded, name, value = ""] = args;
  if (args.length !== 3 || name !== "freezeAfterDays" || !/^[1-7]$/.test(value)) return invalid();
  const found = existing(ctx, encoded);
  if (!found.ok) return found.result;
  if (found.record.type !== 2 && found.record.type !== 3)
    return refused(400, "file is not archived");
  await ctx.catalog.putObject(found.bucket, { ...found.record, restoreStatus: 2 });
  return done();
}
