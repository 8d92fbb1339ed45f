import { invalidInput, KodoError } from "../errors.ts";

/** Names given with or without their prefix, all with it. */
export function prefixed(
  fields: Record<string, string> | undefined,
  prefix: string,
): Array<[string, string]> {
  if (fields === undefined) return [];
  return Object.entries(fields).map(([name, value]) => [
    name.startsWith(prefix) ? name : `${prefix}${name}`,
    value,
  ]);
}

/** The error when the service's hash differs from the local etag; none when it did not send one. */
export function checkHash(
  answered: string | undefined,
  local: string,
  reqId: string | undefined,
): KodoError | undefined {
  if (answered === undefined || answered === local) return undefined;
  return new KodoError({
    code: "checksum_mismatch",
    message: `the service stored hash ${answered}, but the bytes sent have etag ${local}`,
    reqId,
  });
}

/** Checks the fields of a map of custom variables or metadata. */
export function checkFields(fields: unknown, name: string): KodoError | undefined {
  if (fields === undefined) return undefined;
  if (typeof fields !== "object" || fields === null || Array.isArray(fields)) {
    return invalidInput(`${name}: expected an object of strings`);
  }
  for (const [field, value] of Object.entries(fields)) {
    if (typeof value !== "string" || !value.isWellFormed()) {
      return invalidInput(`${name}.${field}: expected a string`);
    }
    if (!/^[\w.:!-]+$/.test(field) || field.length > 128) {
      return invalidInput(`${name}.${field}: names may hold letters, digits, '_', '-', '.', ':'`);
    }
  }
  return undefined;
}
