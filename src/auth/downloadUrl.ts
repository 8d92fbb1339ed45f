import { type Credentials, sign } from "./credentials.ts";

/**
 * Signs a download URL of a private bucket: appends `e=<deadline>` and then
 * `token=<accessKey>:<sign>`, the signature covering the URL up to and including `e`.
 *
 * @param url - The public URL of the object.
 * @param deadline - Unix seconds after which the link stops working.
 * @example
 * await signDownloadUrl(client, "https://cdn.example.com/cat.jpg", Date.now() / 1000 + 3600)
 */
export async function signDownloadUrl(
  credentials: Credentials,
  url: string,
  deadline: number,
): Promise<string> {
  const withDeadline = `${url}${url.includes("?") ? "&" : "?"}e=${Math.floor(deadline)}`;
  return `${withDeadline}&token=${await sign(credentials, withDeadline)}`;
}
