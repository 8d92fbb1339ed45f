import { urlsafeBase64Encode } from "../auth/base64.ts";
import { encodedEntry } from "../auth/entry.ts";
import { invalidInput, type KodoError } from "../errors.ts";
import { checkBucket, checkKey } from "../validate.ts";

/** One operation of a {@link batch}, made by the builders below. */
export interface BatchOp {
  readonly kind:
    | "stat"
    | "delete"
    | "move"
    | "copy"
    | "chgm"
    | "chtype"
    | "chstatus"
    | "deleteAfterDays";
  readonly key: string;
  /** The bucket; the client's bucket when absent. */
  readonly bucket?: string | undefined;
  /** Builds the op's path once the bucket is known. */
  readonly path: (bucket: string) => string;
  /** Sending it twice does the same as sending it once. */
  readonly idempotent: boolean;
  /** Why the op cannot be sent, found when it was built. */
  readonly problem?: KodoError | undefined;
}

/** Where an op applies: a key in the client's bucket, or in `bucket`. */
export interface OpTarget {
  bucket?: string | undefined;
}

function op(
  kind: BatchOp["kind"],
  key: string,
  target: OpTarget | undefined,
  idempotent: boolean,
  tail: () => string,
  problem?: KodoError,
): BatchOp {
  const bucket = target?.bucket;
  const found =
    problem ?? checkKey(key) ?? (bucket === undefined ? undefined : checkBucket(bucket));
  return {
    kind,
    key,
    bucket,
    idempotent,
    problem: found,
    path: (clientBucket) => `/${kind}/${encodedEntry(bucket ?? clientBucket, key)}${tail()}`,
  };
}

/** A batch op that stats `key`. @example batch(client, [statOp("a.txt")]) */
export function statOp(key: string, target?: OpTarget): BatchOp {
  return op("stat", key, target, true, () => "");
}

/** A batch op that deletes `key`. @example batch(client, keys.map((k) => removeOp(k))) */
export function removeOp(key: string, target?: OpTarget): BatchOp {
  return op("delete", key, target, true, () => "");
}

/** Where a move or copy goes, and whether it may replace an object there. */
export interface TransferTarget extends OpTarget {
  /** The destination bucket; the source's bucket when absent. */
  toBucket?: string | undefined;
  /** Replace an existing object at the destination (614 `exists` otherwise). */
  force?: boolean | undefined;
}

function transfer(kind: "move" | "copy", from: string, to: string, t?: TransferTarget): BatchOp {
  const problem =
    checkKey(to, "to") ?? (t?.toBucket === undefined ? undefined : checkBucket(t.toBucket));
  return {
    ...op(kind, from, t, t?.force === true, () => "", problem),
    path: (clientBucket) => {
      const source = encodedEntry(t?.bucket ?? clientBucket, from);
      const target = encodedEntry(t?.toBucket ?? t?.bucket ?? clientBucket, to);
      return `/${kind}/${source}/${target}${t?.force === true ? "/force/true" : ""}`;
    },
  };
}

/** A batch op that moves (renames) `from` to `to`. @example moveOp("a", "b", { force: true }) */
export function moveOp(from: string, to: string, target?: TransferTarget): BatchOp {
  return transfer("move", from, to, target);
}

/** A batch op that copies `from` to `to`. @example copyOp("a.txt", "backup/a.txt") */
export function copyOp(from: string, to: string, target?: TransferTarget): BatchOp {
  return transfer("copy", from, to, target);
}

/** A batch op that changes the MIME type of `key`. @example changeMimeOp("a", "text/plain") */
export function changeMimeOp(key: string, mimeType: string, target?: OpTarget): BatchOp {
  const problem =
    typeof mimeType === "string" && /^[\w.+-]+\/[\w.+-]+/.test(mimeType)
      ? undefined
      : invalidInput("mimeType: expected a MIME type such as text/plain");
  return op("chgm", key, target, true, () => `/mime/${urlsafeBase64Encode(mimeType)}`, problem);
}

/** A batch op that changes the storage class of `key` (0 to 4). @example changeTypeOp("a", 1) */
export function changeTypeOp(key: string, type: number, target?: OpTarget): BatchOp {
  const problem =
    Number.isInteger(type) && type >= 0 && type <= 5
      ? undefined
      : invalidInput("type: expected a storage class from 0 to 5");
  return op("chtype", key, target, true, () => `/type/${type}`, problem);
}

/** A batch op that disables (1) or enables (0) `key`. @example changeStatusOp("a", 1) */
export function changeStatusOp(key: string, status: 0 | 1, target?: OpTarget): BatchOp {
  const problem =
    status === 0 || status === 1 ? undefined : invalidInput("status: expected 0 or 1");
  return op("chstatus", key, target, true, () => `/status/${status}`, problem);
}

/** A batch op that deletes `key` after `days` (0 cancels). @example deleteAfterDaysOp("a", 7) */
export function deleteAfterDaysOp(key: string, days: number, target?: OpTarget): BatchOp {
  const problem =
    Number.isInteger(days) && days >= 0
      ? undefined
      : invalidInput("days: expected a whole number ≥ 0");
  return op("deleteAfterDays", key, target, true, () => `/${days}`, problem);
}
