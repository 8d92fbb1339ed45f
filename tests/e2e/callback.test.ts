import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCallback } from "../../src/auth/verifyCallback.ts";
import type { Client } from "../../src/client.ts";
import { etagText as etag } from "../../src/etag/etag.ts";
import { stat } from "../../src/objects/stat.ts";
import { put } from "../../src/upload/put.ts";
import { putAuth } from "../../src/upload/putAuth.ts";
import { uploadWithToken } from "../../src/upload/uploadWithToken.ts";
import { type E2e, startE2e } from "../helpers/e2e.ts";

/** A callback as it arrived: enough to build the Web Request again. */
interface Arrived {
  url: string;
  method: string;
  headers: Headers;
  body: string;
}

let e2e: E2e;
let client: Client;
let server: Server;
let origin: string;
const arrived: Arrived[] = [];

function webHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

function toRequest(call: Arrived, body = call.body): Request {
  return new Request(call.url, { method: call.method, headers: call.headers, body });
}

beforeAll(async () => {
  e2e = await startE2e(["bkt"]);
  client = e2e.client();

  // The application's callback endpoint: verifies, then answers JSON for the uploader.
  // `/strict` verifies with another secret, as a server with the wrong keys would.
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const call: Arrived = {
      url: `${origin}${req.url}`,
      method: req.method ?? "POST",
      headers: webHeaders(req),
      body: Buffer.concat(chunks).toString("utf8"),
    };
    arrived.push(call);
    const secretKey = req.url === "/strict" ? "another-secret" : e2e.emulator.secretKey;
    const verified = await verifyCallback(toRequest(call), {
      accessKey: e2e.emulator.accessKey,
      secretKey,
    });
    if (!verified.ok) {
      res.writeHead(403, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: verified.error.code }));
      return;
    }
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ verified: true, fields: verified.data.fields }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await e2e.stop();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("verifyCallback", () => {
  it("accepts the callback of a real upload, whose answer reaches the uploader", async () => {
    const body = "a photo, say";
    const result = await put(client, "cb/photo.jpg", body, {
      customVars: { user: "ann" },
      policy: {
        callbackUrl: `${origin}/uploaded?source=test`,
        callbackBody: "key=$(key)&hash=$(etag)&fsize=$(fsize)&user=$(x:user)",
      },
    });
    const hash = await etag(new TextEncoder().encode(body));
    expect(result.ok).toBe(true);
    expect(result.data?.response).toEqual({
      verified: true,
      fields: { key: "cb/photo.jpg", hash, fsize: String(body.length), user: "ann" },
    });
  });

  it("accepts a JSON callback body, through uploadWithToken", async () => {
    const auth = await putAuth(client, {
      key: "cb/data.json",
      callbackUrl: `${origin}/json`,
      callbackBody: '{"key":"$(key)","size":$(fsize)}',
      callbackBodyType: "application/json",
    });
    const result = await uploadWithToken(auth.data!.token, "cb/data.json", "{}", {
      ucHost: e2e.emulator.url,
    });
    expect(result.data?.response).toEqual({
      verified: true,
      fields: { key: "cb/data.json", size: 2 },
    });
  });

  it("rejects the same callback with an altered body, or checked with other keys", async () => {
    const uploaded = await put(client, "cb/altered.txt", "12345", {
      policy: { callbackUrl: `${origin}/altered`, callbackBody: "key=$(key)&fsize=$(fsize)" },
    });
    expect(uploaded.ok).toBe(true);
    const call = arrived.find((c) => c.url.endsWith("/altered"))!;
    const keys = { accessKey: e2e.emulator.accessKey, secretKey: e2e.emulator.secretKey };

    expect((await verifyCallback(toRequest(call), keys)).ok).toBe(true);
    const altered = call.body.replace("fsize=5", "fsize=6");
    expect(altered).not.toBe(call.body);
    const rejected = await verifyCallback(toRequest(call, altered), keys);
    expect(rejected.error).toMatchObject({ code: "unauthorized", status: 401 });
    const otherKeys = await verifyCallback(toRequest(call), { ...keys, secretKey: "nope" });
    expect(otherKeys.error?.code).toBe("unauthorized");
  });

  it("makes the upload fail with callback_failed (579) when the server refuses", async () => {
    const result = await put(client, "cb/refused.txt", "x", {
      policy: { callbackUrl: `${origin}/strict`, callbackBody: "key=$(key)" },
    });
    expect(result.error).toMatchObject({ code: "callback_failed", status: 579 });
    // The object is stored all the same, as the service does.
    expect((await stat(client, "cb/refused.txt")).ok).toBe(true);
  });
});
