import type { Credentials } from "../auth/credentials.ts";
import { type SignableRequest, signQbox } from "../auth/qbox.ts";
import { signQiniu } from "../auth/qiniu.ts";

/** How a request proves who sends it. */
export type RequestAuth =
  | { type: "qiniu"; credentials: Credentials }
  | { type: "qbox"; credentials: Credentials }
  | { type: "upToken"; token: string }
  | { type: "none" };

/**
 * Computes the `Authorization` header of one attempt. Signatures cover the host, so each host of
 * a failover gets its own.
 *
 * @param auth - The scheme and its secret, or none.
 * @param request - The method, full URL, headers, content type and signable body of the attempt.
 * @returns The header's value, or undefined when the request goes without one.
 * @example
 * await authorization({ type: "upToken", token }, request) // "UpToken <token>"
 */
export async function authorization(
  auth: RequestAuth | undefined,
  request: SignableRequest,
): Promise<string | undefined> {
  if (auth === undefined || auth.type === "none") return undefined;
  if (auth.type === "upToken") return `UpToken ${auth.token}`;
  return auth.type === "qiniu"
    ? signQiniu(auth.credentials, request)
    : signQbox(auth.credentials, request);
}
