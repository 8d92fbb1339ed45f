import { connect } from "node:net";
import { Readable } from "node:stream";
import qiniu from "qiniu";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../src/emulator/index.ts";
import { isKodoError } from "../../src/errors.ts";
import { type OfficialSdk, officialSdk, testBytes } from "../conformance/officialSdk.ts";
import { manage } from "./helpers.ts";

let sdk: OfficialSdk;
const lines: string[] = [];

beforeAll(async () => {
  sdk = await officialSdk({ buckets: ["server"], logRequests: (line) => lines.push(line) });
});

afterAll(async () => {
  await sdk.emulator.stop();
});

/** Sends raw bytes and returns the raw answer. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(text));
    let data = "";
    socket.on("data", (chunk) => {
      data += chunk;
    });
    socket.on("end", () => resolve(data));
    socket.on("error", reject);
  });
}

describe("the emulator server", () => {
  it("puts an X-Reqid and CORS headers on every response", async () => {
    const { emulator } = sdk;
    for (const path of ["/v4/query?bucket=server", "/no/such/path", "/stat/x", "/__emulator"]) {
      const response = await fetch(`${emulator.url}${path}`);
      expect(response.headers.get("x-reqid")).toMatch(/^[\w-]{16}$/);
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(response.headers.get("access-control-expose-headers")).toContain("X-Reqid");
    }
    const malformed = await raw(emulator.port, "GARBAGE\r\n\r\n");
    expect(malformed).toMatch(/^HTTP\/1\.1 400/);
    expect(malformed).toMatch(/X-Reqid: /);
  });

  it("answers CORS preflights so browsers can upload directly", async () => {
    const response = await fetch(`${sdk.emulator.url}/`, {
      method: "OPTIONS",
      headers: {
        Origin: "http://app.example.test",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
    expect(response.headers.get("access-control-allow-headers")).toBe("content-type");
  });

  it("answers 405 for a known route with another method and 404 for unknown paths", async () => {
    const wrong = await manage(sdk.emulator, "/batch", { method: "GET" });
    expect(wrong.status).toBe(405);
    expect((await fetch(`${sdk.emulator.url}/nothing-here`, { method: "POST" })).status).toBe(404);
  });

  it("logs one line per request: method, path, status, bytes, milliseconds", async () => {
    lines.length = 0;
    await fetch(`${sdk.emulator.url}/v4/query?bucket=server`);
    await fetch(`${sdk.emulator.url}/server/missing`);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^GET \/v4\/query\?bucket=server 200 in:0 out:\d+ \d+ms$/);
    expect(lines[1]).toMatch(/^GET \/server\/missing 404 in:0 out:30 \d+ms$/);
  });

  it("never receives the secret key from the official SDK", async () => {
    const { emulator } = sdk;
    emulator.resetStats();
    const upload = sdk.token({ scope: "server" });
    await sdk.form.put(upload, "secret-check.txt", Buffer.from("x"), null);
    const extra = qiniu.resume_up.PutExtra.create();
    extra.version = "v1";
    const bytes = testBytes(5 * 1024 * 1024, 2);
    await sdk.resume.putStream(
      upload,
      "secret-check.bin",
      Readable.from([Buffer.from(bytes)]),
      bytes.length,
      extra,
    );
    await sdk.buckets.stat("server", "secret-check.txt");
    await sdk.buckets.listPrefix("server", {});
    await sdk.buckets.batch([qiniu.rs.deleteOp("server", "secret-check.txt")]);

    const records = emulator.requests();
    expect(records.length).toBeGreaterThanOrEqual(7);
    const everything = JSON.stringify(records);
    expect(everything).toContain(emulator.accessKey);
    expect(everything).not.toContain(emulator.secretKey);
    expect(records.find((record) => record.route === "up.form")?.body).toContain('name="token"');
  });

  it("counts requests and body bytes per route", async () => {
    const { emulator } = sdk;
    emulator.resetStats();
    await fetch(`${emulator.url}/v4/query?bucket=server`, { method: "POST", body: "12345" });
    const stats = emulator.stats()["uc.query"]!;
    expect(stats).toMatchObject({ requests: 1, bytesReceived: 5, statuses: { 200: 1 } });
    expect(stats.bytesSent).toBeGreaterThan(100);
  });

  it("rejects invalid options with an invalid_input error", async () => {
    const attempts = [
      startEmulator({ port: -1 }),
      startEmulator({ buckets: ["Not A Bucket"] }),
      startEmulator({ buckets: ["list"] }),
      startEmulator({ accessKey: "has:colon" }),
    ];
    for (const attempt of attempts) {
      const error = await attempt.then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(isKodoError(error) && error.code).toBe("invalid_input");
    }
  });
});
