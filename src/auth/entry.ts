import { urlsafeBase64DecodeText, urlsafeBase64Encode } from "./base64.ts";

/**
 * Encodes `bucket:key` the way management paths name an object. With no key at all (`null` or
 * `undefined`) only the bucket is encoded; an empty key keeps its colon.
 *
 * @example
 * encodedEntry("qiniuphotos", "gogopher.jpg") // "cWluaXVwaG90b3M6Z29nb3BoZXIuanBn"
 */
export function encodedEntry(bucket: string, key?: string | null): string {
  return urlsafeBase64Encode(key === undefined || key === null ? bucket : `${bucket}:${key}`);
}

/** A decoded entry: the key is `undefined` when the entry names only a bucket. */
export interface Entry {
  bucket: string;
  key: string | undefined;
}

/** Decodes an encoded entry, splitting on the first colon; `undefined` when it is not valid. */
export function decodeEntry(encoded: string): Entry | undefined {
  const text = urlsafeBase64DecodeText(encoded);
  if (text === undefined) return undefined;
  const colon = text.indexOf(":");
  if (colon < 0) return { bucket: text, key: undefined };
  return { bucket: text.slice(0, colon), key: text.slice(colon + 1) };
}
