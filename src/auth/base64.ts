const encoder = new TextEncoder();

/** UTF-8 bytes of a string, or the bytes themselves. */
export function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === "string" ? encoder.encode(data) : data;
}

/**
 * Encodes bytes (or a string as UTF-8) as Qiniu's URL-safe base64: the standard alphabet with
 * `+` → `-` and `/` → `_`, padding kept.
 *
 * @example
 * urlsafeBase64Encode("bkt:a.txt") // "Ymt0OmEudHh0"
 */
export function urlsafeBase64Encode(data: string | Uint8Array): string {
  const bytes = toBytes(data);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_");
}

/**
 * Decodes URL-safe (or standard) base64, with or without padding.
 *
 * @returns The bytes, or `undefined` when the text is not base64.
 */
export function urlsafeBase64Decode(text: string): Uint8Array | undefined {
  const standard = text.replaceAll("-", "+").replaceAll("_", "/");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(standard) || standard.length % 4 === 1) return undefined;
  const padded = standard.replace(/=+$/, "").padEnd(Math.ceil(standard.length / 4) * 4, "=");
  try {
    const binary = atob(padded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

/** Decodes URL-safe base64 holding UTF-8 text; `undefined` when it is not valid. */
export function urlsafeBase64DecodeText(text: string): string | undefined {
  const bytes = urlsafeBase64Decode(text);
  if (bytes === undefined) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
