import { KodoError } from "../errors.ts";
import { fail, ok, type Result } from "../result.ts";
import { isRecord } from "../validate.ts";
import type { Credentials } from "./credentials.ts";
import { verifyCallbackSignature } from "./verifyCallbackSignature.ts";

/** What a verified callback carried. */
export interface VerifyCallbackData {
  /** The raw body. */
  body: string;
  contentType: string | null;
  /** The body's fields: a form decoded, or JSON parsed; `undefined` for other bodies. */
  fields: Record<string, unknown> | undefined;
}

/** Options of {@link verifyCallback}. */
export interface VerifyCallbackOptions {
  /** The public callback URL, when a proxy changed the URL the request arrived at. */
  url?: string | undefined;
}

/**
 * Verifies an upload callback received as a Web `Request` (Workers, route handlers, Hono): the
 * `Authorization` must be Qiniu's signature, in either scheme, over this very request.
 *
 * @param request - The incoming request; its body is read from a clone.
 * @param credentials - The access key and secret key the upload token was signed with.
 * @returns The body and its fields, or `unauthorized` when the signature does not match.
 * @example
 * export async function POST(request: Request) {
 *   const result = await verifyCallback(request, { accessKey, secretKey });
 *   if (!result.ok) return new Response("forbidden", { status: 403 });
 *   return Response.json({ saved: result.data.fields?.key });
 * }
 */
export async function verifyCallback(
  request: Request,
  credentials: Credentials,
  options: VerifyCallbackOptions = {},
): Promise<Result<VerifyCallbackData>> {
  let body: string;
  try {
    body = await request.clone().text();
  } catch (cause) {
    return fail(new KodoError({ code: "bad_request", message: "callback body unreadable", cause }));
  }
  const contentType = request.headers.get("content-type");

  const valid = await verifyCallbackSignature(credentials, {
    authorization: request.headers.get("authorization"),
    method: request.method,
    url: options.url ?? request.url,
    headers: request.headers,
    contentType,
    body,
  });
  if (!valid) {
    return fail(
      new KodoError({ code: "unauthorized", status: 401, message: "callback signature mismatch" }),
    );
  }
  return ok({ body, contentType, fields: readFields(body, contentType) });
}

function readFields(body: string, contentType: string | null): Record<string, unknown> | undefined {
  if (contentType?.startsWith("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(body));
  }
  if (contentType?.startsWith("application/json")) {
    try {
      const parsed: unknown = JSON.parse(body);
      return isRecord(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
