import { Agent, request } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signQbox } from "../../src/auth/qbox.ts";
import { signQiniu } from "../../src/auth/qiniu.ts";
import { type Emulator, startEmulator } from "../../src/emulator/index.ts";
import { b64, formUpload, token } from "../emulator/helpers.ts";

const total = 10_000;
const concurrency = 32;
let emulator: Emulator;
let upToken = "";

beforeAll(async () => {
  emulator = await startEmulator({ buckets: ["fuzz", { name: "fuzz-private", private: true }] });
  upToken = await token(emulator, { scope: "fuzz", returnBody: '{"k":$(key),"x":$(x:a)}' });
  await formUpload(emulator, { token: upToken, key: "a.txt" }, { bytes: "fuzz" });
});

afterAll(async () => {
  await emulator.stop();
});

/** A small deterministic generator (xorshift32), so that a failure can be replayed. */
function random(seed: number) {
  let x = seed;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
  const text = (n: number) => String.fromCharCode(...Array.from({ length: n }, () => 32 + int(95)));
  return { next, int, pick, bytes, text };
}

const firsts = [
  "",
  "stat",
  "delete",
  "move",
  "copy",
  "chgm",
  "chtype",
  "chstatus",
  "deleteAfterDays",
  "lifecycle",
  "restoreAr",
  "batch",
  "list",
  "fetch",
  "prefetch",
  "mkblk",
  "bput",
  "mkfile",
  "buckets",
  "mkbucketv3",
  "mkbucket",
  "drop",
  "private",
  "image",
  "unimage",
  "domain",
  "publish",
  "unpublish",
  "v2",
  "v3",
  "v4",
  "regions",
  "fuzz",
  "fuzz-private",
  "__emulator",
  "%zz",
  "..",
  "a%00b",
  "ü",
];

function segment(r: ReturnType<typeof random>): string {
  switch (r.int(9)) {
    case 0:
      return b64(`fuzz:${r.text(r.int(12))}`);
    case 1:
      return b64(r.pick(["fuzz", "nope", "fuzz:a.txt", "fuzz:", ":", "fuzz-private:a"]));
    case 2:
      return String(r.pick([0, 1, -1, 4, 4194304, 4194305, 9e15, 10_001]));
    case 3:
      return r.pick([
        "~",
        "force",
        "true",
        "type",
        "status",
        "mime",
        "to",
        "from",
        "uploads",
        "objects",
        "key",
      ]);
    case 4:
      return encodeURIComponent(r.text(r.int(20)));
    case 5:
      return "%".repeat(r.int(3)) + r.text(r.int(5)).replace(/[/?#]/g, "");
    case 6:
      return b64(r.text(r.int(40)));
    case 7:
      return "x".repeat(r.int(3000));
    default:
      return r.pick([
        "query",
        "domains",
        "bucketInfo",
        "list",
        "offline",
        "online",
        "fuzz",
        "a.txt",
      ]);
  }
}

function path(r: ReturnType<typeof random>): string {
  const parts = [r.pick(firsts)];
  for (let i = r.int(7); i > 0; i--) parts.push(segment(r));
  let query = "";
  if (r.next() < 0.5) {
    const names = [
      "bucket",
      "prefix",
      "marker",
      "limit",
      "delimiter",
      "tbl",
      "e",
      "token",
      "attname",
      "op",
      "max-parts",
      "needparts",
      "private",
      "apiVersion",
    ];
    const values = () => r.pick(["fuzz", "", "-1", "1e9", r.text(r.int(30)), b64(r.text(9))]);
    const pairs = Array.from(
      { length: r.int(5) },
      () => `${r.pick(names)}=${encodeURIComponent(values())}`,
    );
    query = `?${pairs.join("&")}`;
    if (r.next() < 0.1) query += "%%&&==";
  }
  // Characters Node will not put in a request line are sent percent-encoded.
  return `/${parts.join("/")}${query}`.replace(/[^\u0021-\u00ff]/g, (c) => encodeURIComponent(c));
}

function body(
  r: ReturnType<typeof random>,
  contentType: string | undefined,
): Uint8Array | string | undefined {
  switch (r.int(7)) {
    case 0:
      return undefined;
    case 1:
      return r.bytes(r.int(5000));
    case 2:
      return `op=${encodeURIComponent(path(r))}&op=${encodeURIComponent(path(r))}`;
    case 3:
      return r.pick([
        '{"parts":[{"etag":"x","partNumber":1}]}',
        '{"parts":"no"}',
        "{",
        "[]",
        "null",
        '{"source":{"sourceQiniuBucket":"fuzz"}}',
        '{"route":"*","status":500,"probability":0}',
      ]);
    case 4: {
      const boundary = contentType?.split("boundary=")[1] ?? "b";
      const part = (name: string, value: string, extra = "") =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${extra}\r\n\r\n` +
        `${value}\r\n`;
      const fields = [part("token", upToken)];
      if (r.next() < 0.7) fields.push(part("key", r.text(r.int(10))));
      if (r.next() < 0.5) fields.push(part("x:a", r.text(5)));
      if (r.next() < 0.7) {
        const extra = `; filename="${r.text(8)}"\r\nContent-Type: ${r.text(6)}`;
        fields.push(part("file", r.text(r.int(300)), extra));
      }
      if (r.next() < 0.3) fields.push(part("crc32", r.pick(["1", "x", "99999999999"])));
      const text = `${fields.join("")}--${boundary}--\r\n`;
      return r.next() < 0.2 ? text.slice(0, r.int(text.length)) : text;
    }
    case 5:
      return r.text(r.int(2000));
    default:
      return r.pick(["ctx1,ctx2", "", ",,,", "a".repeat(10_000)]);
  }
}

/** Builds one random request: a method, a path, headers and a body, sometimes signed. */
async function build(r: ReturnType<typeof random>) {
  const method = r.pick([
    "GET",
    "POST",
    "POST",
    "PUT",
    "DELETE",
    "HEAD",
    "OPTIONS",
    "PATCH",
    "PROPFIND",
  ]);
  const target = path(r);
  const contentType = r.pick([
    undefined,
    "application/x-www-form-urlencoded",
    "application/json",
    "application/octet-stream",
    "multipart/form-data; boundary=fuzzbound",
    "multipart/form-data",
    "text/plain; charset=utf-8",
    r.text(20),
  ]);
  const payload = method === "GET" || method === "HEAD" ? undefined : body(r, contentType);
  const headers: Record<string, string> = {};
  if (contentType !== undefined) headers["Content-Type"] = contentType;
  const url = `${emulator.url}${target}`;
  const signable = { method, url, contentType, body: payload ?? null, headers };

  // Many requests are signed for real, so that they get past the checks to the handlers.
  const auth = r.int(10);
  if (auth <= 2) headers.Authorization = await signQiniu(emulator, signable);
  else if (auth <= 4) headers.Authorization = await signQbox(emulator, signable);
  else if (auth === 5) headers.Authorization = `UpToken ${upToken}`;
  else if (auth === 6)
    headers.Authorization = r.pick([
      "Qiniu x",
      "QBox :",
      "UpToken",
      `Qiniu ${emulator.accessKey}:${b64(r.text(20))}`,
      r.text(30),
    ]);
  if (r.next() < 0.2)
    headers.Range = r.pick([
      "bytes=0-1",
      "bytes=-0",
      "bytes=5-2",
      "bytes=a-b",
      "bytes=0-1,3-4",
      r.text(10),
    ]);
  if (r.next() < 0.1) headers["Content-MD5"] = r.pick([r.text(32), "", "abc"]);
  if (r.next() < 0.1) headers["X-Qiniu-Date"] = r.pick(["20240101T000000Z", "nonsense", ""]);
  if (r.next() < 0.1)
    headers.Host = r.pick(["localhost", "cdn.example.test", r.text(10).replace(/\s/g, ""), ""]);
  return { method, target, headers, payload };
}

function send(agent: Agent, spec: Awaited<ReturnType<typeof build>>): Promise<number> {
  return new Promise((resolve) => {
    let req: ReturnType<typeof request>;
    try {
      req = request(
        {
          host: "127.0.0.1",
          port: emulator.port,
          method: spec.method,
          path: spec.target,
          headers: spec.headers,
          agent,
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
          res.on("error", () => resolve(-1));
        },
      );
    } catch {
      // Node itself refused to send it (a header value it does not allow).
      resolve(-2);
      return;
    }
    req.on("error", () => resolve(-1));
    if (spec.payload !== undefined) req.end(spec.payload);
    else req.end();
  });
}

/** Raw bytes that are not valid HTTP, or requests cut short. */
function sendRaw(r: ReturnType<typeof random>): Promise<void> {
  const garbage = r.pick([
    "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab",
    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nboom\r\n",
    "BROKEN\r\n\r\n",
    "GET /%%%%% HTTP/1.1\r\n\r\n",
    `POST /mkblk/4 HTTP/1.1\r\nContent-Length: 4000000\r\n` +
      `Authorization: UpToken ${upToken}\r\n\r\nabc`,
    `GET /${"a".repeat(20_000)} HTTP/1.1\r\n\r\n`,
    "GET / HTTP/1.1\r\nBad Header Without Colon\r\n\r\n",
    String.fromCharCode(...r.bytes(200)),
  ]);
  return new Promise((resolve) => {
    const socket = connect(emulator.port, "127.0.0.1", () => {
      socket.write(garbage);
      setTimeout(() => socket.destroy(), 20);
    });
    socket.on("data", () => {});
    socket.on("error", () => resolve());
    socket.on("close", () => resolve());
  });
}

describe("the emulator under random and malformed requests", () => {
  it("answers 10,000 of them without a 500 and keeps serving", { timeout: 60_000 }, async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async (id: number) => {
      const r = random(0x9e3779b9 ^ (id * 7919 + 1));
      while (next < total) {
        next += 1;
        if (r.next() < 0.05) {
          await sendRaw(r);
          continue;
        }
        const status = await send(agent, await build(r));
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, (_, id) => worker(id)));
    agent.destroy();

    // No request broke the server, and it still works.
    expect(statuses.get(500) ?? 0).toBe(0);
    const counted = Object.values(emulator.stats()).reduce(
      (sum, stats) => sum + (stats.statuses[500] ?? 0),
      0,
    );
    expect(counted).toBe(0);
    expect(statuses.size).toBeGreaterThan(8);
    expect((await fetch(`${emulator.url}/fuzz/a.txt`)).status).toBe(200);
    const answer = await formUpload(
      emulator,
      { token: upToken, key: "after.txt" },
      { bytes: "ok" },
    );
    expect(answer.status).toBe(200);
  });
});
