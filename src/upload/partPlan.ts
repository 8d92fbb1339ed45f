import { invalidInput, type KodoError } from "../errors.ts";

const mib = 1024 * 1024;

/** The limits of a multipart upload. */
export const partLimits = {
  min: mib,
  max: 1024 * mib,
  count: 10_000,
  defaultSize: 4 * mib,
} as const;

/**
 * The part size to use: the one asked for (4 MiB by default), raised to whole MiB when the size
 * is known and would otherwise need more than 10,000 parts.
 */
export function choosePartSize(asked: number | undefined, total: number | undefined): number {
  const size = asked ?? partLimits.defaultSize;
  if (total === undefined || Math.ceil(total / size) <= partLimits.count) return size;
  return Math.ceil(total / partLimits.count / mib) * mib;
}

/** Checks the multipart options before anything is read or sent. */
export function checkPartOptions(
  partSize: unknown,
  concurrency: unknown,
  total: number | undefined,
): KodoError | undefined {
  if (partSize !== undefined) {
    if (typeof partSize !== "number" || !Number.isInteger(partSize)) {
      return invalidInput("options.partSize: expected a whole number of bytes");
    }
    if (partSize < partLimits.min || partSize > partLimits.max) {
      return invalidInput("options.partSize: expected 1 MiB to 1 GiB");
    }
  }
  if (concurrency !== undefined) {
    if (typeof concurrency !== "number" || !Number.isInteger(concurrency)) {
      return invalidInput("options.concurrency: expected a whole number");
    }
    if (concurrency < 1 || concurrency > 64)
      return invalidInput("options.concurrency: expected 1 to 64");
  }
  if (total !== undefined && total > partLimits.max * partLimits.count) {
    return invalidInput("the body is larger than the 10,000 parts of 1 GiB an object may have");
  }
  return undefined;
}
