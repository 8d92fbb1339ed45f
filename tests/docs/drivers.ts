// How the samples of the docs that export a handler are run: each is called the way its
// platform calls it, and what it answers is put to use (a token uploads, a link downloads).
import { expect } from "vitest";
import type { Client } from "../../src/client.ts";
import type { Emulator } from "../../src/emulator/types.ts";
import { stat } from "../../src/objects/stat.ts";
import { put } from "../../src/upload/put.ts";
import { uploadWithToken } from "../../src/upload/uploadWithToken.ts";
import type { AppServer, WebHandler } from "./appServer.ts";

/** What a driver can use: the emulator, the application's server, clients of the emulator. */
export interface SampleContext {
  emulator: Emulator;
  app: AppServer;
  /** A client of a bucket of the emulator (`photos` by default). */
  client(bucket?: string): Client;
}

/** Runs a sample that exports something to call. */
export interface Driver {
  /** Sets up what the platform provides before the sample loads. */
  before?(context: SampleContext): void;
  /** Undoes `before`. */
  after?(): void;
  run(exports: Record<string, unknown>, context: SampleContext): Promise<void>;
}

/** The bytes of a tiny PNG file's signature, enough for an upload. */
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function exported<T>(exports: Record<string, unknown>, name: string): T {
  const value = exports[name];
  expect(value, `the sample exports ${name}`).toBeDefined();
  return value as T;
}

/** The drivers, by the name a `<!-- sample: name -->` line gives a sample. */
export const drivers: Record<string, Driver> = {
  "token-route": {
    async run(exports, { emulator, client }) {
      const POST = exported<() => Promise<Response>>(exports, "POST");
      const response = await POST();
      expect(response.status).toBe(200);
      const { key, token } = (await response.json()) as { key: string; token: string };
      expect(key).toMatch(/^avatars\/[\da-f-]{36}$/);

      const options = { ucHost: emulator.url, mimeType: "image/png" };
      const uploaded = await uploadWithToken(token, key, png, options);
      if (!uploaded.ok) throw uploaded.error;
      expect((await stat(client(), key)).data?.fsize).toBe(png.length);
      const elsewhere = await uploadWithToken(token, "avatars/other.png", png, options);
      expect(elsewhere.error?.code).toBe("forbidden");
    },
  },

  "browser-upload": {
    async run(exports, { client }) {
      const uploadAvatar = exported<
        (file: File, onPercent: (p: number) => void) => Promise<string>
      >(exports, "uploadAvatar");
      const bytes = new Uint8Array(5 * 1024 * 1024);
      bytes.set(png);
      const percents: number[] = [];
      const key = await uploadAvatar(new File([bytes], "me.png", { type: "image/png" }), (p) =>
        percents.push(p),
      );
      const info = await stat(client(), key);
      expect(info.data).toMatchObject({ fsize: bytes.length, mimeType: "image/png" });
      expect(percents.at(-1)).toBe(100);
      expect(percents).toEqual([...percents].sort((a, b) => a - b));
    },
  },

  "worker-token": {
    async run(exports, { emulator, client }) {
      const worker = exported<{ fetch(request: Request, env: object): Promise<Response> }>(
        exports,
        "default",
      );
      const env = { QINIU_ACCESS_KEY: emulator.accessKey, QINIU_SECRET_KEY: emulator.secretKey };
      const response = await worker.fetch(new Request("https://worker.example/?name=cat.jpg"), env);
      expect(response.status).toBe(200);
      const answer = (await response.json()) as { key: string; token: string; uploadUrl: string };
      expect(answer.key).toMatch(/^uploads\/[\da-f-]{36}\/cat\.jpg$/);

      const options = { upHosts: [answer.uploadUrl] };
      const uploaded = await uploadWithToken(answer.token, answer.key, png, options);
      if (!uploaded.ok) throw uploaded.error;
      expect((await stat(client(), answer.key)).ok).toBe(true);
    },
  },

  "callback-route": {
    async run(exports, { app, client }) {
      const POST = exported<WebHandler>(exports, "POST");
      expect(exports.runtime).toBe("edge");
      app.routes.set("/hooks/upload", POST);

      // A real upload: the emulator signs its callback, the route's answer reaches the uploader.
      const uploaded = await put(client(), "reports/q3.pdf", new Uint8Array(2048), {
        policy: {
          callbackUrl: `${app.origin}/hooks/upload`,
          callbackBody: "key=$(key)&hash=$(etag)&fsize=$(fsize)",
        },
      });
      if (!uploaded.ok) throw uploaded.error;
      expect(uploaded.data.response).toEqual({ saved: "reports/q3.pdf", size: 2048 });

      // A request Qiniu did not sign is refused.
      const forged = await POST(
        new Request(`${app.origin}/hooks/upload`, {
          method: "POST",
          headers: {
            "Content-Type": "application/x-www-form-urlencoded",
            Authorization: "QBox docs-access-key:forged",
          },
          body: "key=reports/q3.pdf&fsize=1",
        }),
      );
      expect(forged.status).toBe(401);
    },
  },

  "netlify-download": {
    before() {
      const env = { get: (name: string) => process.env[name] };
      Object.assign(globalThis, { Deno: { env } });
    },
    after() {
      Reflect.deleteProperty(globalThis, "Deno");
    },
    async run(exports) {
      const handler = exported<WebHandler>(exports, "default");
      expect(exports.config).toEqual({ path: "/files/*" });
      const response = await handler(new Request("https://files.example/files/2024/0042.pdf"));
      expect(response.status).toBe(302);
      const location = response.headers.get("location") ?? "";
      expect(location).toMatch(/[?&]e=\d+&token=/);
      const download = await fetch(location);
      expect(download.status).toBe(200);
      expect(await download.text()).toBe("invoice 0042");
    },
  },

  "lambda-token": {
    async run(exports, { emulator, client }) {
      type Answer = { statusCode: number; body: string };
      const handler = exported<(event: object) => Promise<Answer>>(exports, "handler");
      expect((await handler({})).statusCode).toBe(400);
      expect((await handler({ queryStringParameters: { name: "../x" } })).statusCode).toBe(400);

      const answer = await handler({ queryStringParameters: { name: "report.pdf" } });
      expect(answer.statusCode).toBe(200);
      const { token } = JSON.parse(answer.body) as { token: string };
      const uploaded = await uploadWithToken(token, "inbox/report.pdf", png, {
        ucHost: emulator.url,
      });
      if (!uploaded.ok) throw uploaded.error;
      expect((await stat(client(), "inbox/report.pdf")).ok).toBe(true);
    },
  },
};
