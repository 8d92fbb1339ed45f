import type { Credentials } from "./credentials.ts";
import { timingSafeEqual } from "./crypto.ts";
import { type SignableRequest, signQbox } from "./qbox.ts";
import { signQiniu } from "./qiniu.ts";

/** A received request and the `Authorization` header it came with. */
export interface SignedRequest extends SignableRequest {
  authorization: string | null | undefined;
}

/**
 * Checks the `Authorization` of a request signed by Qiniu, in either scheme (`QBox` or `Qiniu`),
 * comparing in constant time.
 *
 * @returns `true` when the signature is the one these credentials give.
 * @example
 * const valid = await verifyCallbackSignature(client, { authorization, url, contentType, body });
 */
export async function verifyCallbackSignature(
  credentials: Credentials,
  request: SignedRequest,
): Promise<boolean> {
  const authorization = request.authorization ?? "";
  if (authorization.startsWith("QBox ")) {
    return timingSafeEqual(authorization, await signQbox(credentials, request));
  }
  if (authorization.startsWith("Qiniu ")) {
    return timingSafeEqual(authorization, await signQiniu(credentials, request));
  }
  return false;
}
