/**
 * Checks a mime type against a put policy's `mimeLimit`: a `;`-separated allow list with `*`
 * wildcards (`image/*;video/mp4`), or a deny list when it starts with `!`
 * (`!application/json;text/plain`). Matching ignores case and the type's parameters; an empty
 * limit allows everything.
 *
 * @param limit - the policy's mimeLimit
 * @param mimeType - the upload's mime type, such as `image/png` or `text/plain; charset=utf-8`
 * @returns whether an upload of that type may be stored
 * @example
 * mimeAllowed("image/*;video/mp4", "image/png") // true
 * mimeAllowed("!application/json;text/plain", "text/plain") // false
 */
export function mimeAllowed(limit: string, mimeType: string): boolean {
  const trimmed = limit.trim();
  const deny = trimmed.startsWith("!");
  const patterns = (deny ? trimmed.slice(1) : trimmed)
    .split(";")
    .map((pattern) => pattern.trim().toLowerCase())
    .filter((pattern) => pattern.length > 0);
  if (patterns.length === 0) return true;

  const type = (mimeType.split(";")[0] ?? "").trim().toLowerCase();
  const listed = patterns.some((pattern) => matches(pattern, type));
  return deny ? !listed : listed;
}

/** Whether a type matches a pattern in which `*` stands for any run of characters. */
function matches(pattern: string, type: string): boolean {
  const parts = pattern.split("*");
  if (parts.length === 1) return pattern === type;

  // The first part is a prefix, the last a suffix, and the others appear in order between them.
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (type.length < first.length + last.length) return false;
  if (!type.startsWith(first) || !type.endsWith(last)) return false;
  let at = first.length;
  const end = type.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const found = type.indexOf(middle, at);
    if (found < 0 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return true;
}
