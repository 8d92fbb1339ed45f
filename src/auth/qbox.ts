import { toBytes } from "./base64.ts";
import { type Credentials, sign } from "./credentials.ts";

/** A request as the signing schemes see it. */
export interface SignableRequest {
  method?: string | undefined;
  url: string;
  /** Request headers; names are matched without regard to case. */
  headers?: Headers | Record<string, string> | undefined;
  contentType?: string | null | undefined;
  body?: string | Uint8Array | null | undefined;
}

const formType = "application/x-www-form-urlencoded";

/** Joins byte arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * The text the QBox scheme signs: the path and query, a newline, then the body when it is a form.
 */
export function qboxSigningData(request: SignableRequest): Uint8Array {
  const url = new URL(request.url);
  const head = toBytes(`${url.pathname}${url.search}\n`);
  const body = request.body;
  if (request.contentType === formType && body !== undefined && body !== null) {
    return concatBytes([head, toBytes(body)]);
  }
  return head;
}

/**
 * Signs a request with the QBox (v1) scheme.
 *
 * @returns The `Authorization` value, `QBox <accessKey>:<sign>`.
 * @example
 * await signQbox(client, { url: "http://rs.qiniu.com/delete/Ymt0OmE=" })
 */
export async function signQbox(
  credentials: Credentials,
  request: SignableRequest,
): Promise<string> {
  return `QBox ${await sign(credentials, qboxSigningData(request))}`;
}
