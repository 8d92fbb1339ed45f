import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { uploadToken } from "../../src/auth/uploadToken.ts";
import { createBucket } from "../../src/buckets/createBucket.ts";
import { drop } from "../../src/buckets/drop.ts";
import { getBucketInfo } from "../../src/buckets/getBucketInfo.ts";
import { listBuckets } from "../../src/buckets/listBuckets.ts";
import { listDomains } from "../../src/buckets/listDomains.ts";
import { publish } from "../../src/buckets/publish.ts";
import { unpublish } from "../../src/buckets/unpublish.ts";
import { type Client, createClient } from "../../src/client.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import type { Emulator } from "../../src/emulator/types.ts";
import { isKodoError, type KodoError } from "../../src/errors.ts";
import { batch } from "../../src/objects/batch.ts";
import {
  type BatchOp,
  changeMimeOp,
  copyOp,
  deleteAfterDaysOp,
  moveOp,
  removeOp,
  statOp,
} from "../../src/objects/batchOps.ts";
import { changeMetadata } from "../../src/objects/changeMetadata.ts";
import { changeMime } from "../../src/objects/changeMime.ts";
import { changeStatus } from "../../src/objects/changeStatus.ts";
import { changeType } from "../../src/objects/changeType.ts";
import { copy } from "../../src/objects/copy.ts";
import { deleteAfterDays } from "../../src/objects/deleteAfterDays.ts";
import { downloadUrl } from "../../src/objects/downloadUrl.ts";
import { fetchUrl } from "../../src/objects/fetchUrl.ts";
import { get } from "../../src/objects/get.ts";
import { getIfNotModified } from "../../src/objects/getIfNotModified.ts";
import { list } from "../../src/objects/list.ts";
import { listPage } from "../../src/objects/listPage.ts";
import { move } from "../../src/objects/move.ts";
import { prefetch } from "../../src/objects/prefetch.ts";
import { remove } from "../../src/objects/remove.ts";
import { removeByPrefix } from "../../src/objects/removeByPrefix.ts";
import { stat } from "../../src/objects/stat.ts";
import type { Result } from "../../src/result.ts";
import { put } from "../../src/upload/put.ts";
import { putAuth } from "../../src/upload/putAuth.ts";
import { putFile } from "../../src/upload/putFile.ts";
import { uploadWithToken } from "../../src/upload/uploadWithToken.ts";
import { failOnUnhandledRejections } from "./helpers.ts";

failOnUnhandledRejections();

/** Runs per property: each valid run makes a request or two to the emulator. */
const numRuns = 100;

/** One generated argument, and whether the operation must accept it. */
interface Arg {
  value: unknown;
  valid: boolean;
}

const valid = <T>(arbitrary: fc.Arbitrary<T>) =>
  arbitrary.map((value): Arg => ({ value, valid: true }));
const invalid = <T>(arbitrary: fc.Arbitrary<T>) =>
  arbitrary.map((value): Arg => ({ value, valid: false }));
const either = (good: fc.Arbitrary<Arg>, bad: fc.Arbitrary<Arg>) =>
  fc.oneof({ weight: 3, arbitrary: good }, { weight: 2, arbitrary: bad });

// Values of the wrong type for any argument.
const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { minLength: 1, maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
);

// Keys: any Unicode, lone surrogates, empty, around and over 750 bytes of UTF-8.
const utf8Length = (text: string) => new TextEncoder().encode(text).length;
const isKey = (key: unknown) =>
  typeof key === "string" && key !== "" && key.isWellFormed() && utf8Length(key) <= 750;
const loneSurrogate = fc
  .tuple(fc.string({ maxLength: 4 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string())
  .map(([head, unit, tail]) => head + String.fromCharCode(unit) + tail);
const keyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 24 }),
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.string({ unit: "binary", minLength: 150, maxLength: 400 }),
  fc.integer({ min: 745, max: 755 }).map((n) => "k".repeat(n)),
  fc.integer({ min: 372, max: 378 }).map((n) => "é".repeat(n)),
  loneSurrogate,
  fc.constant(""),
);
const key = either(
  keyText.map((value): Arg => ({ value, valid: isKey(value) })),
  invalid(fc.oneof(wrongType, fc.constant(undefined))),
);
/** A key where none is allowed too (the service then chooses it). */
const optionalKey = key.map((arg) => (arg.value === undefined ? { ...arg, valid: true } : arg));

// Options: absent, empty or with a signal; else of the wrong type or with a bad signal.
const signalOptions = fc.constantFrom(undefined, {}, { signal: new AbortController().signal });
const badOptions = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.constant(null),
  fc.array(fc.anything(), { maxLength: 2 }),
  fc.constant({ signal: "abort" }),
  fc.constant({ signal: {} }),
);
const options = either(valid(signalOptions), invalid(badOptions));

/** Valid options built from a base, or the base with one field of a bad value. */
function optionsWith(
  base: Record<string, unknown>,
  good: Record<string, fc.Arbitrary<unknown>>,
  bad: Record<string, readonly unknown[]>,
): fc.Arbitrary<Arg> {
  const fine = fc.record(good, { requiredKeys: [] }).map((fields) => ({ ...base, ...fields }));
  const broken = fc
    .constantFrom(
      ...Object.entries(bad).flatMap(([field, values]) => values.map((v) => [field, v])),
    )
    .map(([field, value]) => ({ ...base, [field as string]: value }));
  return either(valid(fine), invalid(fc.oneof(broken, badOptions)));
}

// Bucket names, as the service's rules for an existing bucket and for a new one have them.
const bucketText = fc.oneof(
  fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}[a-z0-9]$/),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/),
  fc.string({ maxLength: 70 }),
  fc.constantFrom("", "a", "ab", "-ab", "ab-", "a b", "x".repeat(63), "x".repeat(64)),
);
const existingBucketRule = /^[A-Za-z0-9_-]{1,63}$/;
const newBucketRule = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const bucketName = (rule: RegExp) =>
  either(
    bucketText.map((value): Arg => ({ value, valid: rule.test(value) })),
    invalid(wrongType),
  );

// Upload bodies: bytes in each form the SDK takes, or something that is none of them.
const body = either(
  valid(
    fc.oneof(
      fc.uint8Array({ maxLength: 2048 }),
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.uint8Array({ maxLength: 512 }).map((bytes) => new Blob([bytes])),
      fc.uint8Array({ maxLength: 512 }).map((bytes) => bytes.slice().buffer),
    ),
  ),
  invalid(fc.oneof(fc.integer(), fc.constant(null), fc.boolean(), fc.object({ maxDepth: 1 }))),
);

// The options every upload shares, sizes among them.
const uploadGood = {
  mimeType: fc.constantFrom("text/plain", "application/x-test"),
  size: fc.nat({ max: 1 << 20 }),
  multipartThreshold: fc.integer({ min: 4096, max: 1 << 24 }),
  partSize: fc.integer({ min: 1 << 20, max: 1 << 24 }),
  concurrency: fc.integer({ min: 1, max: 64 }),
  customVars: fc.constant({ origin: "property" }),
  metadata: fc.constant({ color: "blue" }),
  fileName: fc.string({ unit: "grapheme", maxLength: 10 }),
};
const uploadBad: Record<string, readonly unknown[]> = {
  mimeType: ["", "plain", 5],
  size: [-1, 1.5, Number.NaN, "12", 2 ** 60],
  multipartThreshold: [-1, 2 ** 40, "4MB"],
  partSize: [0, 1000, 2 ** 31, 1.5],
  concurrency: [0, 65, 2.5, "4"],
  customVars: ["x", { a: 5 }, { "bad name": "v" }],
  metadata: [5, { a: null }],
  fileName: [5, "\ud800"],
  onProgress: ["report", 5],
  signal: ["abort", {}],
};

/** An operation, the arbitrary of its arguments, and how to call it. */
interface OpSpec {
  name: string;
  args: fc.Arbitrary<Arg[]>;
  call: (...values: unknown[]) => Promise<unknown>;
}

let emulator: Emulator;
let client: Client;
let otherBucket: Client;
let doomed: Client;
let token: string;
let fileDir: string;
let filePath: string;
let sourceUrl: string;
const fetchSpy = vi.spyOn(globalThis, "fetch");

beforeAll(async () => {
  emulator = await startEmulator({ buckets: ["bkt", "other", "doomed"] });
  const make = (bucket: string) =>
    createClient({
      accessKey: emulator.accessKey,
      secretKey: emulator.secretKey,
      bucket,
      ucHost: emulator.url,
      timeoutMs: 10_000,
      retry: false,
    });
  client = make("bkt");
  otherBucket = make("other");
  doomed = make("doomed");
  const seeded = await put(client, "seed.txt", "seed");
  if (!seeded.ok) throw seeded.error;
  const link = await downloadUrl(client, "seed.txt");
  if (!link.ok) throw link.error;
  sourceUrl = link.data.url;
  const made = await uploadToken(emulator, { scope: "bkt" });
  if (!made.ok) throw made.error;
  token = made.data;
  fileDir = await mkdtemp(join(tmpdir(), "qiniu-kit-props-"));
  filePath = join(fileDir, "file.txt");
  await writeFile(filePath, "a file to upload");
});

afterAll(async () => {
  fetchSpy.mockRestore();
  await emulator.stop();
  await rm(fileDir, { recursive: true, force: true });
});

/** A Result: `{ ok: true, data }` or `{ ok: false, error }` with a KodoError. */
function expectResult(value: unknown): asserts value is Result<unknown> {
  expect(typeof value === "object" && value !== null).toBe(true);
  const result = value as Result<unknown>;
  if (result.ok) expect("data" in result).toBe(true);
  else expect(isKodoError(result.error), "a KodoError").toBe(true);
}

/**
 * Calls an operation with generated arguments and checks its answer: a Result, never a throw;
 * `invalid_input` without a single request when an argument is invalid; otherwise a success or
 * the service's own answer (an error that carries the service's status).
 */
async function answers(spec: OpSpec, args: Arg[]): Promise<void> {
  emulator.resetStats();
  const before = fetchSpy.mock.calls.length;
  let outcome: unknown;
  try {
    outcome = await spec.call(...args.map((arg) => arg.value));
  } catch (error) {
    expect.fail(`${spec.name} threw ${String(error)}`);
  }
  expectResult(outcome);
  const sent = fetchSpy.mock.calls.length - before;
  const received = emulator.requests().length;

  if (!args.every((arg) => arg.valid)) {
    expect(outcome.error?.code, `${spec.name} accepted an invalid argument`).toBe("invalid_input");
    expect({ sent, received }).toEqual({ sent: 0, received: 0 });
    return;
  }
  if (!outcome.ok) {
    const { code, message, status } = outcome.error;
    expect(code, `${spec.name} refused valid arguments: ${message}`).not.toBe("invalid_input");
    expect(status, `${spec.name} failed without the service's answer: ${code} ${message}`).toEqual(
      expect.any(Number),
    );
  }
}

/** The first result of a listing, or an empty success when it has none. */
async function firstOf(entries: AsyncGenerator<unknown>): Promise<unknown> {
  const first = await entries.next();
  await entries.return(undefined);
  return first.done ? { ok: true, data: [] } : first.value;
}

const ops: OpSpec[] = [
  {
    name: "stat",
    args: fc.tuple(key, options),
    call: (k, o) => stat(client, k as string, o as never),
  },
  {
    name: "remove",
    args: fc.tuple(key, options),
    call: (k, o) => remove(client, k as string, o as never),
  },
  {
    name: "prefetch",
    args: fc.tuple(key, options),
    call: (k, o) => prefetch(client, k as string, o as never),
  },
  {
    name: "get",
    args: fc.tuple(
      key,
      optionsWith(
        {},
        {
          saveAs: fc.string({ unit: "grapheme", maxLength: 10 }),
          expiresIn: fc.integer({ min: 1, max: 86_400 }),
          private: fc.boolean(),
        },
        { saveAs: [5, "\udc00"], expiresIn: [0, -5, 1.5, "60"], domain: ["", 5] },
      ),
    ),
    call: (k, o) => get(client, k as string, o as never),
  },
  {
    name: "getIfNotModified",
    args: fc.tuple(
      key,
      either(
        valid(fc.string({ minLength: 1, maxLength: 28 })),
        invalid(fc.oneof(wrongType, fc.constant(""))),
      ),
      options,
    ),
    call: (k, base, o) => getIfNotModified(client, k as string, base as string, o as never),
  },
  {
    name: "downloadUrl",
    args: fc.tuple(
      key,
      optionsWith(
        {},
        {
          attname: fc.string({ maxLength: 10 }).filter((text) => text.isWellFormed()),
          expiresIn: fc.integer({ min: 1, max: 86_400 }),
          private: fc.boolean(),
          domain: fc.constantFrom("cdn.example.com", "127.0.0.1:9/bkt"),
        },
        { attname: [5, "\ud800"], expiresIn: [0, 2.5, "1"], domain: ["", 7] },
      ),
    ),
    call: (k, o) => downloadUrl(client, k as string, o as never),
  },
  ...(["move", "copy"] as const).map(
    (name): OpSpec => ({
      name,
      args: fc.tuple(
        key,
        key,
        optionsWith(
          {},
          { force: fc.boolean(), toBucket: fc.constantFrom("bkt", "other", "nosuch") },
          { force: ["yes", 1], toBucket: ["", "a b", "x".repeat(64), 5] },
        ),
      ),
      call: (from, to, o) =>
        (name === "move" ? move : copy)(client, from as string, to as string, o as never),
    }),
  ),
  {
    name: "changeMime",
    args: fc.tuple(
      key,
      either(
        valid(fc.constantFrom("text/plain", "image/png", "application/vnd.x+json")),
        invalid(fc.oneof(wrongType, fc.constantFrom("", "plain", "/x"))),
      ),
      options,
    ),
    call: (k, mime, o) => changeMime(client, k as string, mime as string, o as never),
  },
  {
    name: "changeType",
    args: fc.tuple(
      key,
      either(
        valid(fc.integer({ min: 0, max: 5 })),
        invalid(fc.constantFrom(-1, 6, 1.5, "1", null)),
      ),
      options,
    ),
    call: (k, type, o) => changeType(client, k as string, type as number, o as never),
  },
  {
    name: "changeStatus",
    args: fc.tuple(
      key,
      either(valid(fc.constantFrom(0, 1)), invalid(fc.constantFrom(2, -1, "0", true, null))),
      options,
    ),
    call: (k, status, o) => changeStatus(client, k as string, status as 0, o as never),
  },
  {
    name: "deleteAfterDays",
    args: fc.tuple(
      key,
      either(valid(fc.nat({ max: 3650 })), invalid(fc.constantFrom(-1, 1.5, "7", null))),
      options,
    ),
    call: (k, days, o) => deleteAfterDays(client, k as string, days as number, o as never),
  },
  {
    name: "changeMetadata",
    args: fc.tuple(
      key,
      either(
        valid(
          fc.oneof(
            fc.constant({ metadata: { color: "blue" } }),
            fc.constant({ headers: { "Cache-Control": "max-age=60" } }),
            fc.constant({ metadata: { size: "L" }, condition: { fsize: 4 } }),
          ),
        ),
        invalid(
          fc.constantFrom(
            {},
            { metadata: "x" },
            { metadata: { "bad name": "v" } },
            { metadata: { a: "" } },
            { metadata: { a: "two\nlines" } },
            { metadata: { a: "b" }, condition: { fsize: -1 } },
            null,
            5,
          ),
        ),
      ),
    ),
    call: (k, change) => changeMetadata(client, k as string, change as never),
  },
  {
    name: "batch",
    args: fc.tuple(
      either(
        fc
          .array(
            fc.tuple(fc.constantFrom("stat", "delete", "chgm", "move", "copy", "days"), key, key),
            {
              maxLength: 4,
            },
          )
          .map((items): Arg => {
            const made = items.map(([kind, a, b]) => batchOp(kind, a.value, b.value));
            const fine = items.every(
              ([kind, a, b]) => a.valid && (!(kind === "move" || kind === "copy") || b.valid),
            );
            return { value: made, valid: fine };
          }),
        invalid(fc.oneof(wrongType, fc.constant([{}]), fc.constant([null]))),
      ),
      options,
    ),
    call: (o, opts) => batch(client, o as BatchOp[], opts as never),
  },
  {
    name: "listPage",
    args: fc.tuple(listOptions()),
    call: (o) => listPage(client, o as never),
  },
  {
    name: "list",
    args: fc.tuple(listOptions()),
    call: (o) => firstOf(list(client, o as never)),
  },
  {
    name: "removeByPrefix",
    args: fc.tuple(
      either(
        valid(fc.string({ unit: "binary", minLength: 1, maxLength: 12 })),
        invalid(fc.oneof(wrongType, fc.constant(""), loneSurrogate)),
      ),
      options,
    ),
    call: (prefix, o) => removeByPrefix(otherBucket, prefix as string, o as never),
  },
  {
    name: "fetchUrl",
    args: fc.tuple(
      either(
        fc.constant(undefined).map((): Arg => ({ value: sourceUrl, valid: true })),
        invalid(
          fc.oneof(wrongType, fc.constantFrom("", "ftp://host/x", "not a url", "http://\ud800")),
        ),
      ),
      optionalKey,
      options,
    ),
    call: (url, k, o) => fetchUrl(client, url as string, k as string, o as never),
  },
  {
    name: "put",
    args: fc.tuple(key, body, optionsWith({}, uploadGood, uploadBad)),
    call: (k, b, o) => put(client, k as string, b as never, o as never),
  },
  {
    name: "putFile",
    args: fc.tuple(
      key,
      either(
        fc.constant(undefined).map((): Arg => ({ value: filePath, valid: true })),
        invalid(fc.oneof(wrongType, fc.constant(""))),
      ),
      optionsWith({ resume: false }, { ...uploadGood, size: fc.constant(undefined) }, uploadBad),
    ),
    call: (k, path, o) => putFile(client, k as string, path as string, o as never),
  },
  {
    name: "uploadWithToken",
    args: fc.tuple(
      either(
        fc.constant(undefined).map((): Arg => ({ value: token, valid: true })),
        invalid(fc.oneof(wrongType, fc.constantFrom("", "abc", "a:b", "a:b:c", "a:b:!!!"))),
      ),
      optionalKey,
      body,
      optionsWith(
        { retry: false },
        { ...uploadGood, timeoutMs: fc.integer({ min: 1000, max: 60_000 }) },
        {
          ...uploadBad,
          ucHost: [5, ""],
          upHosts: [[], "host", [5]],
          timeoutMs: [0, -1, "5"],
          retry: [{ retries: 100 }, "no"],
          fetch: ["fetch"],
          tokenProvider: [5],
        },
      ).map((arg) =>
        typeof arg.value === "object" && arg.value !== null && !Array.isArray(arg.value)
          ? { ...arg, value: { ucHost: emulator.url, ...arg.value } }
          : arg,
      ),
    ),
    call: (t, k, b, o) => uploadWithToken(t as string, k as string, b as never, o as never),
  },
  {
    name: "putAuth",
    args: fc.tuple(
      optionsWith(
        {},
        {
          expiresIn: fc.integer({ min: 1, max: 86_400 }),
          key: keyText.filter(isKey),
          returnBody: fc.constant('{"key":"$(key)"}'),
          insertOnly: fc.constantFrom(0, 1),
        },
        { expiresIn: [0, -1, 1.5, "60"], key: ["", 5], insertOnly: [2, "yes"], fsizeLimit: [-1] },
      ),
    ),
    call: (o) => putAuth(client, o as never),
  },
  {
    name: "uploadToken",
    args: fc.tuple(
      either(
        fc.constant(undefined).map((): Arg => ({ value: emulator, valid: true })),
        invalid(fc.oneof(wrongType, fc.constantFrom({}, { accessKey: "a:b", secretKey: "s" }))),
      ),
      either(
        valid(fc.constantFrom({ scope: "bkt" }, { scope: "bkt:k", expiresIn: 60 })),
        invalid(
          fc.oneof(
            wrongType,
            fc.constantFrom(
              {},
              { scope: 5 },
              { scope: "bkt", deadline: "x" },
              { scope: "b", expiresIn: -1 },
            ),
          ),
        ),
      ),
    ),
    call: (credentials, policy) => uploadToken(credentials as never, policy as never),
  },
  {
    name: "createBucket",
    args: fc.tuple(
      bucketName(newBucketRule),
      optionsWith({}, { region: fc.constantFrom("z0", "z1", "na0") }, { region: ["", "Z0!", 5] }),
    ),
    call: (name, o) => createBucket(client, name as string, o as never),
  },
  ...(
    [
      ["getBucketInfo", getBucketInfo],
      ["listDomains", listDomains],
    ] as const
  ).map(
    ([name, operation]): OpSpec => ({
      name,
      args: fc.tuple(
        fc.oneof(
          valid(signalOptions),
          bucketName(existingBucketRule).map((arg) => ({ ...arg, value: { bucket: arg.value } })),
          invalid(badOptions),
        ),
      ),
      call: (o) => operation(client, o as never),
    }),
  ),
  {
    name: "listBuckets",
    args: fc.tuple(options),
    call: (o) => listBuckets(client, o as never),
  },
  ...(
    [
      ["publish", publish],
      ["unpublish", unpublish],
    ] as const
  ).map(
    ([name, operation]): OpSpec => ({
      name,
      args: fc.tuple(
        either(
          valid(fc.constantFrom("cdn.example.com", "img.example.org:8080", "host:9000/bkt")),
          invalid(
            fc.oneof(wrongType, fc.constantFrom("", "http://x.com", "a b.com", "x".repeat(254))),
          ),
        ),
        options,
      ),
      call: (domain, o) => operation(client, domain as string, o as never),
    }),
  ),
  {
    name: "drop",
    args: fc.tuple(options),
    call: (o) => drop(doomed, o as never),
  },
];

function listOptions(): fc.Arbitrary<Arg> {
  return optionsWith(
    {},
    {
      prefix: fc.string({ unit: "binary", maxLength: 8 }),
      delimiter: fc.constantFrom("/", "-", ""),
      limit: fc.integer({ min: 1, max: 1000 }),
      marker: fc.string({ unit: "binary", maxLength: 8 }),
    },
    {
      prefix: [5, "\ud800"],
      delimiter: [null, 1],
      limit: [0, 1001, 1.5, "10"],
      marker: [7, "\udfff"],
    },
  );
}

function batchOp(kind: string, a: unknown, b: unknown): BatchOp {
  const from = a as string;
  switch (kind) {
    case "stat":
      return statOp(from);
    case "delete":
      return removeOp(from);
    case "chgm":
      return changeMimeOp(from, "text/plain");
    case "move":
      return moveOp(from, b as string);
    case "copy":
      return copyOp(from, b as string, { force: true });
    default:
      return deleteAfterDaysOp(from, 3);
  }
}

describe("every public operation given any arguments", () => {
  for (const spec of ops) {
    it(`${spec.name} answers with a Result, sending nothing for a bad argument`, async () => {
      await fc.assert(
        fc.asyncProperty(spec.args, (args) => answers(spec, args)),
        { numRuns },
      );
    });
  }
});

describe("keys of any Unicode", () => {
  it("come back from the service as they were uploaded", async () => {
    await fc.assert(
      fc.asyncProperty(keyText.filter(isKey), async (name) => {
        const uploaded = await put(client, name, name);
        expect(uploaded.ok, uploaded.error?.message).toBe(true);
        const found = await stat(client, name);
        expect(found.data?.fsize).toBe(utf8Length(name));
        const page = await listPage(client, { prefix: name, limit: 1 });
        expect(page.data?.items[0]?.key).toBe(name);
        expect((await remove(client, name)).ok).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});

describe("a stream of an announced size", () => {
  it("is stored whole when the size is right, and refused before sending otherwise", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 3000 }), fc.nat({ max: 3000 }), async (length, size) => {
        const bytes = new Uint8Array(length).fill(7);
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            if (length > 0) controller.enqueue(bytes);
            controller.close();
          },
        });
        emulator.resetStats();
        const uploaded = await put(client, "sized.bin", stream, { size });
        if (length === size) {
          expect(uploaded.data?.fsize).toBe(length);
          return;
        }
        expect(uploaded.ok, `${length} bytes announced as ${size} were stored`).toBe(false);
        expect(uploaded.error?.code).toBe("source_error");
        expect(emulator.stats()["up.form"]).toBeUndefined();
      }),
      { numRuns: 40 },
    );
  });
});

describe("createClient", () => {
  it("throws only an invalid_input KodoError, and only for options it cannot use", () => {
    const base = { accessKey: "ak", secretKey: "sk", bucket: "bkt" };
    const clientOptions = optionsWith(
      base,
      {
        region: fc.constantFrom("z0", "na0", { rs: ["127.0.0.1:9"] }),
        ucHost: fc.constantFrom("http://127.0.0.1:9", "uc.example.com"),
        timeoutMs: fc.integer({ min: 1, max: 60_000 }),
        retry: fc.constantFrom(false, { retries: 0 }, { retries: 5, baseDelayMs: 10 }),
        useHttps: fc.boolean(),
      },
      {
        accessKey: ["", "a:b", "a b", 5],
        secretKey: ["", null],
        bucket: ["", "a b", "x".repeat(64), 5],
        region: ["Z0!", 5, { rs: "host" }],
        timeoutMs: [0, -1, "5"],
        retry: [{ retries: 100 }, { retries: -1 }, "no"],
        fetch: ["fetch"],
        logger: [5],
      },
    );
    fc.assert(
      fc.property(clientOptions, ({ value, valid: fine }) => {
        let thrown: unknown;
        try {
          const made = createClient(value as never);
          expect(Object.isFrozen(made)).toBe(true);
        } catch (error) {
          thrown = error;
        }
        if (fine) expect(thrown).toBeUndefined();
        else expect((thrown as KodoError | undefined)?.code).toBe("invalid_input");
        if (thrown !== undefined) expect(isKodoError(thrown)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
