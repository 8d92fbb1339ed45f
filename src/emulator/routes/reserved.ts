/**
 * The first path segments of the API routes. A bucket or a path-form domain may not use one as
 * its name, or its downloads (`GET /<bucket>/<key>`) would be taken for API calls.
 */
const reserved = new Set([
  "__emulator",
  "batch",
  "bput",
  "bucketinfo",
  "buckets",
  "chgm",
  "chstatus",
  "chtype",
  "copy",
  "deleteafterdays",
  "delete",
  "domain",
  "drop",
  "fetch",
  "image",
  "lifecycle",
  "list",
  "mkblk",
  "mkbucket",
  "mkbucketv3",
  "mkfile",
  "move",
  "prefetch",
  "private",
  "publish",
  "regions",
  "restorear",
  "stat",
  "unimage",
  "unpublish",
  "v2",
  "v3",
  "v4",
]);

/**
 * Tells whether a name is the first segment of an API route (compared without case).
 *
 * @param name - A bucket name or the path of a path-form domain.
 * @returns `true` when the name is taken by the API.
 */
export function isReservedSegment(name: string): boolean {
  return reserved.has(name.toLowerCase());
}
