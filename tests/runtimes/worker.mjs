// A Cloudflare Worker that uses the package as a Worker bundle would: it mints an upload token,
// uploads, stats the object and answers what it found. Its bindings name the emulator.
// (It is plain JavaScript, bundled by the test with esbuild as wrangler would.)

import { createClient, put, putAuth, putFile, stat } from "qiniu-kit";

/** A Result as JSON: its data, or its error's code, status and message. */
function plain(result) {
  return result.ok
    ? { ok: true, data: result.data }
    : {
        ok: false,
        error: {
          code: result.error.code,
          status: result.error.status,
          message: result.error.message,
        },
      };
}

export default {
  async fetch(request, env) {
    const client = createClient({
      accessKey: env.ACCESS_KEY,
      secretKey: env.SECRET_KEY,
      bucket: env.BUCKET,
      ucHost: env.EMULATOR_URL,
      retry: { baseDelayMs: 5, maxDelayMs: 50 },
    });
    const key = new URL(request.url).searchParams.get("key") ?? "worker.txt";
    const body = new TextEncoder().encode(`written by a Worker: ${key}`);

    const auth = await putAuth(client, { key, expiresIn: 300 });
    const upload = await put(client, key, body, { mimeType: "text/plain" });
    const info = await stat(client, key);
    const missing = await stat(client, `${key}.missing`);
    // Workers have no file system: the browser build answers invalid_input.
    const file = await putFile(client, key, "/etc/hostname");
    const answer = {
      navigator: globalThis.navigator?.userAgent,
      auth: plain(auth),
      put: plain(upload),
      stat: plain(info),
      missing: plain(missing),
      putFile: plain(file),
    };
    return Response.json(answer);
  },
};
