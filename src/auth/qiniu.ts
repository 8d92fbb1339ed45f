import { toBytes } from "./base64.ts";
import { type Credentials, sign } from "./credentials.ts";
import { concatBytes, type SignableRequest } from "./qbox.ts";

/** Canonical MIME header form: each dash-separated word capitalised, the rest lower case. */
export function canonicalHeaderName(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return name;
  return name
    .split("-")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase())
    .join("-");
}

function headerEntries(headers: SignableRequest["headers"]): [string, string][] {
  if (headers === undefined) return [];
  if (headers instanceof Headers) return [...headers.entries()];
  return Object.entries(headers);
}

/**
 * The text the Qiniu (v2) scheme signs: method, path and query, `Host`, `Content-Type`, the
 * `X-Qiniu-*` headers sorted, a blank line, then the body unless it is octet-stream.
 *
 * @param hostLine - The host to sign instead of the URL's (the emulator checks variants).
 */
export function qiniuSigningData(request: SignableRequest, hostLine?: string): Uint8Array {
  const url = new URL(request.url);
  const method = (request.method ?? "GET").toUpperCase();
  let text = `${method} ${url.pathname}${url.search}\nHost: ${hostLine ?? url.host}\n`;
  if (request.contentType) text += `Content-Type: ${request.contentType}\n`;

  const qiniuHeaders = headerEntries(request.headers)
    .map(([name, value]): [string, string] => [canonicalHeaderName(name), value])
    .filter(([name]) => name.startsWith("X-Qiniu-") && name.length > "X-Qiniu-".length)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  for (const [name, value] of qiniuHeaders) text += `${name}: ${value}\n`;
  text += "\n";

  const body = request.body;
  const signsBody =
    body !== undefined && body !== null && request.contentType !== "application/octet-stream";
  return signsBody ? concatBytes([toBytes(text), toBytes(body)]) : toBytes(text);
}

/**
 * Signs a request with the Qiniu (v2) scheme, the one management calls use.
 *
 * @returns The `Authorization` value, `Qiniu <accessKey>:<sign>`.
 * @example
 * await signQiniu(client, { method: "GET", url, contentType: "application/x-www-form-urlencoded" })
 */
export async function signQiniu(
  credentials: Credentials,
  request: SignableRequest,
): Promise<string> {
  return `Qiniu ${await sign(credentials, qiniuSigningData(request))}`;
}
