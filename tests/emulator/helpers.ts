import { signQbox } from "../../src/auth/qbox.ts";
import { signQiniu } from "../../src/auth/qiniu.ts";
import { type UploadTokenPolicy, uploadToken } from "../../src/auth/uploadToken.ts";
import type { Emulator } from "../../src/emulator/index.ts";

/** A response read whole. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or `undefined` when it is not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: assertions read JSON bodies of many shapes.
  json: any;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Options of {@link manage}. */
export interface ManageOptions {
  method?: string;
  body?: string;
  contentType?: string;
  scheme?: "Qiniu" | "QBox" | "none";
  /** Keys to sign with instead of the emulator's. */
  keys?: { accessKey: string; secretKey: string };
  headers?: Record<string, string>;
}

/** Where a request goes and the keys that sign it: an {@link Emulator}, or its printed facts. */
export type Target = Pick<Emulator, "url" | "accessKey" | "secretKey">;

/** Sends a management request signed with the shared signing code (Qiniu scheme by default). */
export async function manage(
  emulator: Target,
  path: string,
  options: ManageOptions = {},
): Promise<Answer> {
  const method = options.method ?? "POST";
  const url = `${emulator.url}${path}`;
  const contentType = options.contentType ?? "application/x-www-form-urlencoded";
  const keys = options.keys ?? emulator;
  const headers: Record<string, string> = { "Content-Type": contentType, ...options.headers };
  const request = { method, url, headers, contentType, body: options.body ?? null };
  if (options.scheme === "QBox") headers.Authorization = await signQbox(keys, request);
  else if (options.scheme !== "none") headers.Authorization = await signQiniu(keys, request);
  return answer(await fetch(url, { method, headers, body: options.body ?? null }));
}

/** An upload token signed with some keys (an emulator's, usually). */
export async function token(
  keys: { accessKey: string; secretKey: string },
  policy: UploadTokenPolicy,
): Promise<string> {
  const result = await uploadToken(keys, policy);
  if (!result.ok) throw result.error;
  return result.data;
}

/** A form upload sent with fetch's own multipart encoding. */
export async function formUpload(
  emulator: Target,
  fields: Record<string, string>,
  file?: { bytes: Uint8Array | string; name?: string; type?: string },
): Promise<Answer> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file !== undefined) {
    const blob = new Blob([file.bytes as BlobPart], {
      type: file.type ?? "application/octet-stream",
    });
    form.append("file", blob, file.name ?? "file");
  }
  return answer(await fetch(`${emulator.url}/`, { method: "POST", body: form }));
}

/** A request to any path, with an upload token when given. */
export async function call(
  emulator: Target,
  path: string,
  init: RequestInit & { upToken?: string } = {},
): Promise<Answer> {
  const headers = new Headers(init.headers);
  if (init.upToken !== undefined) headers.set("Authorization", `UpToken ${init.upToken}`);
  return answer(await fetch(`${emulator.url}${path}`, { ...init, headers }));
}

/** URL-safe base64 of text, for paths. */
export function b64(text: string): string {
  return Buffer.from(text).toString("base64").replaceAll("+", "-").replaceAll("/", "_");
}
