// The behaviour every runtime must show, written once in plain JavaScript so that Node, Bun and
// Deno run the same file. It imports the built package by its name, as a user would, and talks
// to an emulator whose url and keys come from the environment:
//
//   QINIU_KIT_URL, QINIU_KIT_ACCESS_KEY, QINIU_KIT_SECRET_KEY, QINIU_KIT_BUCKET
//
// It prints one line per check and ends with "N passed, N failed"; the exit code is 1 when a
// check failed.

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createClient,
  etag,
  etagFile,
  get,
  isKodoError,
  list,
  put,
  putAuth,
  putFile,
  remove,
  stat,
} from "qiniu-kit";

const env = globalThis.process?.env ?? globalThis.Deno.env.toObject();
const runtime = globalThis.Deno
  ? `deno ${globalThis.Deno.version.deno}`
  : globalThis.Bun
    ? `bun ${globalThis.Bun.version}`
    : `node ${globalThis.process.versions.node}`;

const results = { passed: 0, failed: 0 };

/** Runs one named check; a thrown error or a rejected promise fails it. */
async function check(name, body) {
  try {
    await body();
    results.passed++;
    console.log(`ok   ${name}`);
  } catch (error) {
    results.failed++;
    console.log(`FAIL ${name}: ${error?.stack ?? error}`);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function equal(actual, expected, what) {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** Unwraps a successful Result, or fails with its error. */
function data(result, what) {
  if (!result.ok) throw new Error(`${what}: ${result.error.code}: ${result.error.message}`);
  return result.data;
}

function sameBytes(a, b) {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function streamOf(chunks) {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

// The same bytes in every runtime: a short xorshift sequence.
function patternBytes(size, seed) {
  const bytes = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

const prefix = `runtimes/${runtime.split(" ")[0]}/`;
const bytes = patternBytes(70_000, 7);
const streamed = [patternBytes(1000, 3), patternBytes(2345, 5)];
const streamedBytes = new Uint8Array([...streamed[0], ...streamed[1]]);
let client;

console.log(`# ${runtime}`);

await check("createClient accepts the emulator's url and keys", () => {
  client = createClient({
    accessKey: env.QINIU_KIT_ACCESS_KEY,
    secretKey: env.QINIU_KIT_SECRET_KEY,
    bucket: env.QINIU_KIT_BUCKET,
    ucHost: env.QINIU_KIT_URL,
    retry: { baseDelayMs: 5, maxDelayMs: 50 },
  });
  equal(client.bucket, env.QINIU_KIT_BUCKET, "bucket");
  assert(Object.isFrozen(client), "the client is frozen");
});

await check("putAuth signs a token that a form upload to its url is accepted with", async () => {
  const key = `${prefix}form.txt`;
  const auth = data(await putAuth(client, { expiresIn: 600, key }), "putAuth");
  equal(auth.expiresIn, 600, "expiresIn");
  assert(auth.token.startsWith(`${env.QINIU_KIT_ACCESS_KEY}:`), "the token names the access key");

  const form = new FormData();
  form.append("token", auth.token);
  form.append("key", key);
  form.append("file", new Blob(["sent with a token"]), "form.txt");
  const response = await fetch(`${auth.url}/`, { method: "POST", body: form });
  equal(response.status, 200, "upload status");
  const answer = await response.json();
  equal(answer.key, key, "uploaded key");
  equal(answer.hash, (await etag("sent with a token")).data, "uploaded hash");
});

await check("put uploads bytes and answers their key, size and etag", async () => {
  const key = `${prefix}bytes.bin`;
  const answer = data(await put(client, key, bytes, { mimeType: "application/x-test" }), "put");
  equal(answer.key, key, "key");
  equal(answer.fsize, bytes.length, "fsize");
  equal(answer.hash, (await etag(bytes)).data, "hash");
});

await check("put uploads a Web stream of unknown length", async () => {
  const key = `${prefix}stream.bin`;
  const answer = data(await put(client, key, streamOf(streamed)), "put");
  equal(answer.fsize, streamedBytes.length, "fsize");
  equal(answer.hash, (await etag(streamedBytes)).data, "hash");
});

await check("stat reads size, hash and MIME type", async () => {
  const info = data(await stat(client, `${prefix}bytes.bin`), "stat");
  equal(info.fsize, bytes.length, "fsize");
  equal(info.hash, (await etag(bytes)).data, "hash");
  equal(info.mimeType, "application/x-test", "mimeType");
  assert(info.putTime > 0, "putTime is set");
});

await check("get gives a url that downloads the same bytes", async () => {
  const link = data(await get(client, `${prefix}bytes.bin`), "get");
  equal(link.fsize, bytes.length, "fsize");
  const response = await fetch(link.url);
  equal(response.status, 200, "download status");
  equal(response.headers.get("content-type"), "application/x-test", "content-type");
  assert(sameBytes(new Uint8Array(await response.arrayBuffer()), bytes), "same bytes");

  const streamedLink = data(await get(client, `${prefix}stream.bin`), "get");
  const streamedBack = new Uint8Array(await (await fetch(streamedLink.url)).arrayBuffer());
  assert(sameBytes(streamedBack, streamedBytes), "same streamed bytes");
});

await check("list finds the uploaded keys under their prefix", async () => {
  const keys = [];
  for await (const entry of list(client, { prefix, limit: 2 })) {
    const item = data(entry, "list");
    if (item.type === "item") keys.push(item.item.key);
  }
  const expected = ["bytes.bin", "form.txt", "stream.bin"].map((name) => prefix + name);
  equal(JSON.stringify(keys.sort()), JSON.stringify(expected), "keys");
});

await check("remove deletes an object, and stat then answers not_found", async () => {
  const key = `${prefix}stream.bin`;
  data(await remove(client, key), "remove");
  const gone = await stat(client, key);
  assert(!gone.ok, "stat fails");
  equal(gone.error.code, "not_found", "code");
  equal(gone.error.status, 612, "status");
  assert(isKodoError(gone.error), "a KodoError");
});

await check("putFile uploads a file, and etagFile gives the hash it is stored with", async () => {
  const dir = await mkdtemp(join(tmpdir(), "qiniu-kit-runtime-"));
  try {
    const path = join(dir, "file.bin");
    await writeFile(path, bytes);
    const local = data(await etagFile(path), "etagFile");
    equal(local, data(await etag(bytes), "etag"), "etagFile");
    const uploaded = data(await putFile(client, `${prefix}file.bin`, path), "putFile");
    equal(uploaded.hash, local, "hash");
    equal(uploaded.fsize, bytes.length, "fsize");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

await check("errors are data: a bad key and a wrong secret, without a throw", async () => {
  const bad = await stat(client, "");
  equal(bad.error?.code, "invalid_input", "empty key");

  const wrong = createClient({
    accessKey: env.QINIU_KIT_ACCESS_KEY,
    secretKey: "not-the-secret",
    bucket: env.QINIU_KIT_BUCKET,
    ucHost: env.QINIU_KIT_URL,
    retry: false,
  });
  const refused = await stat(wrong, `${prefix}bytes.bin`);
  equal(refused.error?.code, "unauthorized", "wrong secret");
  equal(refused.error?.status, 401, "status");
});

console.log(`${results.passed} passed, ${results.failed} failed`);
if (results.failed > 0) {
  if (globalThis.Deno) globalThis.Deno.exit(1);
  else globalThis.process.exit(1);
}
