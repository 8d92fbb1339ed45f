import { urlsafeBase64Encode } from "../auth/base64.ts";
import { encodedEntry } from "../auth/entry.ts";
import { invalidInput, type KodoError } from "../errors.ts";
import { checkBucket, checkKey, isMimeType, isRecord } from "../validate.ts";

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
  const problem = isMimeType(mimeType)
    ? undefined
    : invalidInput("mimeType: expected a MIME type such as text/plain");
  return op("chgm", key, target, true, () => `/mime/${urlsafeBase64Encode(mimeType)}`, problem);
}

/** Download headers an object can be served with, set by {@link changeMetadataOp}. */
export interface ServedHeaders {
  "Cache-Control"?: string | undefined;
  "Content-Type"?: string | undefined;
  "Content-Disposition"?: string | undefined;
  "Content-Encoding"?: string | undefined;
  "Content-Language"?: string | undefined;
  Expires?: string | undefined;
  "Last-Modified"?: string | undefined;
  [header: string]: string | undefined;
}

/** What {@link changeMetadataOp} changes, and the state the object must be in for it. */
export interface MetadataChange {
  /** `x-qn-meta-*` metadata to set, names with or without the prefix. */
  metadata?: Record<string, string> | undefined;
  /** Headers a download answers with instead of the stored ones (`x-qn-meta-!<Header>`). */
  headers?: ServedHeaders | undefined;
  /** Change only while the object still has these attributes (otherwise 412). */
  condition?: MetadataCondition | undefined;
}

/** Attributes an object must still have for a change to apply. */
export interface MetadataCondition {
  hash?: string | undefined;
  mimeType?: string | undefined;
  fsize?: number | undefined;
  putTime?: number | undefined;
}

const metaPrefix = "x-qn-meta-";

/** The fields of a map, or why it is not a map. */
function fieldsOf(fields: unknown, name: string): Array<[string, unknown]> | KodoError {
  if (fields === undefined) return [];
  if (!isRecord(fields)) return invalidInput(`change.${name}: expected an object of strings`);
  return Object.entries(fields).filter(([, value]) => value !== undefined);
}

/** The `name/value` path segments of a metadata change, or why it cannot be sent. */
function metadataTail(change: MetadataChange): { tail: string } | { problem: KodoError } {
  if (typeof change !== "object" || change === null) {
    return { problem: invalidInput("change: expected { metadata?, headers?, condition? }") };
  }
  const metadata = fieldsOf(change.metadata, "metadata");
  if (!Array.isArray(metadata)) return { problem: metadata };
  const headers = fieldsOf(change.headers, "headers");
  if (!Array.isArray(headers)) return { problem: headers };
  if (metadata.length + headers.length === 0) {
    return { problem: invalidInput("change: expected at least one metadata field or header") };
  }

  // Metadata names go without their prefix; a served header is a name that starts with `!`.
  const pairs: Array<[string, unknown]> = [
    ...metadata.map(([name, value]): [string, unknown] => [
      name.startsWith(metaPrefix) ? name.slice(metaPrefix.length) : name,
      value,
    ]),
    ...headers.map(([name, value]): [string, unknown] => [`!${name}`, value]),
  ];
  let tail = "";
  for (const [name, value] of pairs) {
    if (!/^(![A-Za-z0-9-]{1,64}|[A-Za-z0-9_.-]{1,64})$/.test(name)) {
      return { problem: invalidInput(`change: "${name}" is not a valid field name`) };
    }
    if (
      typeof value !== "string" ||
      value === "" ||
      !value.isWellFormed() ||
      /[\r\n]/.test(value)
    ) {
      return { problem: invalidInput(`change: "${name}" needs a non-empty one-line string`) };
    }
    tail += `/${metaPrefix}${name}/${urlsafeBase64Encode(value)}`;
  }

  const condition = conditionText(change.condition);
  if (typeof condition !== "string") return condition;
  return { tail: condition === "" ? tail : `${tail}/cond/${urlsafeBase64Encode(condition)}` };
}

/** `hash=…&mime=…&fsize=…&putTime=…`, as the service reads a condition. */
function conditionText(condition: MetadataCondition | undefined): string | { problem: KodoError } {
  if (condition === undefined) return "";
  const bad = () => ({
    problem: invalidInput("change.condition: expected { hash?, mimeType?, fsize?, putTime? }"),
  });
  if (typeof condition !== "object" || condition === null) return bad();
  const { hash, mimeType, fsize, putTime } = condition;
  const parts: string[] = [];
  for (const [name, value] of [
    ["hash", hash],
    ["mime", mimeType],
  ] as const) {
    if (value === undefined) continue;
    if (typeof value !== "string" || value === "" || value.includes("&")) return bad();
    parts.push(`${name}=${value}`);
  }
  for (const [name, value] of [
    ["fsize", fsize],
    ["putTime", putTime],
  ] as const) {
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 0) return bad();
    parts.push(`${name}=${value}`);
  }
  return parts.join("&");
}

/**
 * A batch op that sets metadata of `key` and the headers it is served with (`chgm`).
 * @example changeMetadataOp("a.css", { headers: { "Cache-Control": "max-age=3600" } })
 */
export function changeMetadataOp(key: string, change: MetadataChange, target?: OpTarget): BatchOp {
  const built = metadataTail(change);
  const problem = "problem" in built ? built.problem : undefined;
  const tail = "tail" in built ? built.tail : "";
  return op("chgm", key, target, true, () => tail, problem);
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
