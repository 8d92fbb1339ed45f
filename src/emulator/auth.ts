import { sign } from "../auth/credentials.ts";
import { timingSafeEqual } from "../auth/crypto.ts";
import { signQbox } from "../auth/qbox.ts";
import { qiniuSigningData } from "../auth/qiniu.ts";
import { type ParsedUploadToken, parseUploadToken } from "../auth/uploadToken.ts";
import { type Exchange, flatHeaders, header } from "./exchange.ts";
import { errors, failure, type Reply } from "./http/reply.ts";

/** How far `X-Qiniu-Date` may be from the server's clock. */
const maxSkewMs = 15 * 60 * 1000;

/**
 * Checks the `Authorization` of a management request: the QBox scheme, or the Qiniu scheme over
 * the `Host` as sent or as the official Node SDK signs it (`host:port:port`).
 *
 * @param exchange - The request.
 * @param body - Its body, already read.
 * @returns `undefined` when the signature is good, else the 401 or 403 to answer.
 */
export async function checkManagementAuth(
  exchange: Exchange,
  body: Uint8Array,
): Promise<Reply | undefined> {
  const { credentials } = exchange.ctx;
  const authorization = header(exchange, "authorization") ?? "";
  const match = /^(QBox|Qiniu) ([^:\s]+):(\S+)$/.exec(authorization);
  if (match === null || match[2] !== credentials.accessKey) return errors.badToken();

  // The signed request, rebuilt from what arrived.
  const request = {
    method: exchange.method,
    url: `http://${exchange.host}${exchange.rawUrl}`,
    headers: flatHeaders(exchange.req),
    contentType: header(exchange, "content-type"),
    body,
  };
  let valid = false;
  try {
    if (match[1] === "QBox") {
      valid = timingSafeEqual(authorization, await signQbox(credentials, request));
    } else {
      for (const hostLine of hostLines(exchange.host)) {
        const expected = `Qiniu ${await sign(credentials, qiniuSigningData(request, hostLine))}`;
        if (timingSafeEqual(authorization, expected)) valid = true;
      }
    }
  } catch {
    valid = false;
  }
  if (!valid) return errors.badToken();

  // A signed X-Qiniu-Date must be close to now.
  const date = header(exchange, "x-qiniu-date");
  if (date !== undefined) {
    const time = parseQiniuDate(date);
    if (time === undefined || Math.abs(Date.now() - time) > maxSkewMs) {
      return failure(403, "request time too skewed");
    }
  }
  return undefined;
}

/** The Host lines a signature may cover: as sent and, with a port, the Node SDK's doubled port. */
function hostLines(host: string): string[] {
  const port = /:(\d+)$/.exec(host)?.[1];
  return port === undefined ? [host] : [host, `${host}:${port}`];
}

/** Reads `20240101T000000Z` as milliseconds since the epoch. */
function parseQiniuDate(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const time = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  return Number.isNaN(time) ? undefined : time;
}

/** An upload token that passed its checks. */
export type TokenCheck = { ok: true; token: ParsedUploadToken } | { ok: false; reply: Reply };

/**
 * Checks an upload token: well formed, signed by the emulator's keys, not expired.
 *
 * @param exchange - The request (for the keys).
 * @param token - The token from the form or from `Authorization: UpToken <token>`.
 * @returns The parsed token, or the 401 to answer.
 */
export async function checkUploadToken(
  exchange: Exchange,
  token: string | undefined,
): Promise<TokenCheck> {
  if (token === undefined || token === "") {
    return { ok: false, reply: failure(401, "token not specified") };
  }
  const parsed = parseUploadToken(token);
  const { credentials } = exchange.ctx;
  if (parsed === undefined || parsed.accessKey !== credentials.accessKey) {
    return { ok: false, reply: errors.badToken() };
  }
  const expected = await sign(credentials, parsed.encodedPolicy);
  if (!timingSafeEqual(parsed.signed, expected)) return { ok: false, reply: errors.badToken() };

  const late = Math.floor(Date.now() / 1000) - parsed.policy.deadline;
  if (late > 0) return { ok: false, reply: failure(401, `token expired ${late} seconds ago`) };
  return { ok: true, token: parsed };
}

/** The token of `Authorization: UpToken <token>`, or `undefined`. */
export function upTokenHeader(exchange: Exchange): string | undefined {
  const value = header(exchange, "authorization");
  const match = value === undefined ? null : /^UpToken\s+(\S+)\s*$/.exec(value);
  return match?.[1];
}
