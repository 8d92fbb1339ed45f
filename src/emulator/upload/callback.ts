import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Credentials } from "../../auth/credentials.ts";
import { signQbox } from "../../auth/qbox.ts";

/** An upload callback to send. */
export interface Callback {
  /** One URL, or several separated by `;`, tried in order. */
  urls: string;
  /** The `Host` header to send instead of the URL's. */
  host?: string | undefined;
  body: string;
  contentType: string;
  timeoutMs: number;
}

/** What the callback server answered: its JSON body, or why it failed. */
export type CallbackOutcome = { ok: true; body: string } | { ok: false; message: string };

/**
 * POSTs an upload callback, signed with the QBox scheme, and returns the first 200 JSON answer.
 *
 * @param credentials - The keys that sign the callback.
 * @param callback - Where and what to send.
 * @returns The body to relay to the uploader, or why every URL failed (the upload then gets 579).
 * @example
 * const outcome = await sendCallback(keys, { urls, body, contentType, timeoutMs: 5000 });
 */
export async function sendCallback(
  credentials: Credentials,
  callback: Callback,
): Promise<CallbackOutcome> {
  const urls = callback.urls.split(";").filter((url) => url.trim() !== "");
  let message = "callback url is empty";
  for (const url of urls) {
    const outcome = await post(credentials, url.trim(), callback);
    if (outcome.ok) return outcome;
    message = outcome.message;
  }
  return { ok: false, message };
}

async function post(
  credentials: Credentials,
  url: string,
  callback: Callback,
): Promise<CallbackOutcome> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, message: `callback url ${url} is not valid` };
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") {
    return { ok: false, message: `callback url ${url} is not http(s)` };
  }
  const authorization = await signQbox(credentials, {
    url: target.href,
    contentType: callback.contentType,
    body: callback.body,
  });
  const body = Buffer.from(callback.body);

  return new Promise<CallbackOutcome>((resolve) => {
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(target, {
      method: "POST",
      timeout: callback.timeoutMs,
      headers: {
        Authorization: authorization,
        "Content-Type": callback.contentType,
        "Content-Length": body.length,
        "User-Agent": "qiniu-kit-emulator",
        ...(callback.host === undefined ? {} : { Host: callback.host }),
      },
    });
    req.on("timeout", () =>
      req.destroy(new Error(`callback timed out after ${callback.timeoutMs} ms`)),
    );
    req.on("error", (error) =>
      resolve({ ok: false, message: `callback failed: ${error.message}` }),
    );
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", (error) =>
        resolve({ ok: false, message: `callback failed: ${error.message}` }),
      );
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        if (res.statusCode !== 200) {
          resolve({
            ok: false,
            message: `callback answered ${res.statusCode}: ${text.slice(0, 200)}`,
          });
        } else if (!isJson(text)) {
          resolve({ ok: false, message: "callback answer is not JSON" });
        } else {
          resolve({ ok: true, body: text });
        }
      });
    });
    req.end(body);
  });
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
