import {
  stat as fileStat,
  mkdtemp,
  readdir,
  readFile,
  rm,
  truncate,
  utimes,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { uploadToken } from "../../src/auth/uploadToken.ts";
import type { Client } from "../../src/client.ts";
import { get } from "../../src/objects/get.ts";
import { stat } from "../../src/objects/stat.ts";
import { createFileResumeStore, defaultResumeDir } from "../../src/upload/fileResumeStore.ts";
import { listParts } from "../../src/upload/multipartApi.ts";
import { put } from "../../src/upload/put.ts";
import { putFile } from "../../src/upload/putFile.ts";
import { createMemoryResumeStore } from "../../src/upload/resumeStores.ts";
import type { ResumeState, ResumeStore } from "../../src/upload/uploadTypes.ts";
import { download, patternBytes, startTestKodo, type TestKodo } from "../helpers/emulator.ts";
import {
  blobOf,
  countArrivals,
  hashOf,
  KiB,
  largestStep,
  MiB,
  pieces,
  progressLog,
  routeStats,
  settled,
  settledWithin,
  uploadIdsOfParts,
  type WatchedFetch,
  waitFor,
  watchedFetch,
  webStream,
} from "../helpers/uploads.ts";

let kodo: TestKodo;
let client: Client;
let dir: string;

beforeAll(async () => {
  kodo = await startTestKodo();
  client = kodo.client;
  dir = await mkdtemp(join(tmpdir(), "qiniu-kit-large-"));
});

afterEach(() => {
  kodo.emulator.clearFaults();
});

afterAll(async () => {
  await kodo.emulator.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Checks that the object holds exactly these bytes. */
async function expectStored(key: string, bytes: Uint8Array, partSize = 4 * MiB): Promise<void> {
  const info = await stat(client, key);
  expect(info.data).toMatchObject({ fsize: bytes.length, hash: await hashOf(bytes, partSize) });
  const fetched = await download((await get(client, key)).data!.url);
  expect(fetched.status).toBe(200);
  expect(Buffer.from(fetched.bytes).equals(Buffer.from(bytes))).toBe(true);
}

/** A client whose part uploads are watched, the emulator's counts reset. */
function watchClient(): { watched: WatchedFetch; client: Client } {
  const watched = watchedFetch();
  kodo.emulator.resetStats();
  return { watched, client: kodo.clientFor("photos", { fetch: watched.fetch }) };
}

/** The parts the service holds for an upload: their numbers and their bytes. */
async function heldParts(key: string, uploadId: string) {
  const token = await uploadToken(client, { scope: `photos:${key}` });
  const place = {
    transport: client,
    hosts: [kodo.emulator.url],
    bucket: "photos",
    key,
    token: token.data!,
    signal: undefined,
  };
  const listed = (await listParts(place, uploadId)).data!;
  return {
    numbers: new Set(listed.map((part) => part.partNumber)),
    bytes: listed.reduce((sum, part) => sum + part.size, 0),
  };
}

/**
 * Checks that an upload resumed sent each part the service lacked once and none it held (more
 * may have landed since `held` was listed: parts whose answer an abort cut off).
 */
function expectOnlyMissingSent(held: { numbers: Set<number>; bytes: number }, total: number) {
  const sent = kodo.emulator
    .requests()
    .filter((request) => request.route === "up.v2.part")
    .map((request) => Number(request.url.split("/")[7]));
  expect(sent.filter((partNumber) => held.numbers.has(partNumber))).toEqual([]);
  expect(new Set(sent).size).toBe(sent.length);
  expect(routeStats(kodo.emulator, "up.v2.part").bytesReceived).toBeLessThanOrEqual(
    total - held.bytes,
  );
}

/** Bytes of the parts a saved state holds. */
function savedBytes(state: ResumeState | ResumeState["parts"] | undefined): number {
  const parts = Array.isArray(state) ? state : (state?.parts ?? []);
  return parts.reduce((sum, part) => sum + part.size, 0);
}

/**
 * A watched client for an upload to abort once it has reported `after` bytes (from outside the
 * callback), and a way to wait until the service has seen every request of it end.
 */
function abortAfter(after: number) {
  const { client: abortedClient } = watchClient();
  const arrivals = countArrivals(kodo.emulator);
  const controller = new AbortController();
  let abortedAt = 0;
  return {
    client: abortedClient,
    signal: controller.signal,
    get abortedAt() {
      return abortedAt;
    },
    onProgress: ({ loaded }: { loaded: number }) => {
      if (loaded < after || abortedAt !== 0) return;
      abortedAt = -1;
      setTimeout(() => {
        abortedAt = performance.now();
        controller.abort();
      });
    },
    settled: async () => {
      expect(await settled(kodo.emulator, arrivals)).toBe(true);
    },
  };
}

describe("part size and concurrency", () => {
  it("sends 4 MiB parts by default, four at a time", async () => {
    const bytes = patternBytes(18 * MiB + 1, 21);
    const watched = watchedFetch();
    const watchedClient = kodo.clientFor("photos", { fetch: watched.fetch });
    kodo.emulator.addFault({ route: "up.v2.part", delayMs: 150, times: 5 });

    const result = await put(watchedClient, "parts/default.bin", blobOf(bytes));
    expect(result.error).toBeUndefined();
    expect(watched.sizes).toEqual([4 * MiB, 4 * MiB, 4 * MiB, 4 * MiB, 2 * MiB + 1]);
    expect(watched.maxInFlight).toBe(4);
    await expectStored("parts/default.bin", bytes);
  });

  it("takes a part size from 1 MiB to 1 GiB and the concurrency asked for", async () => {
    const bytes = patternBytes(5 * MiB + 7, 22);
    const watched = watchedFetch();
    const watchedClient = kodo.clientFor("photos", { fetch: watched.fetch });
    kodo.emulator.addFault({ route: "up.v2.part", delayMs: 100, times: 6 });

    const small = await put(watchedClient, "parts/small.bin", bytes, {
      partSize: MiB,
      concurrency: 2,
    });
    expect(small.error).toBeUndefined();
    expect(watched.sizes).toEqual([MiB, MiB, MiB, MiB, MiB, 7]);
    expect(watched.maxInFlight).toBe(2);
    await expectStored("parts/small.bin", bytes, MiB);

    watched.sizes.length = 0;
    const huge = await put(watchedClient, "parts/huge.bin", bytes, { partSize: 1024 * MiB });
    expect(huge.error).toBeUndefined();
    expect(watched.sizes).toEqual([bytes.length]);
    await expectStored("parts/huge.bin", bytes, 1024 * MiB);
  });

  it("refuses parts outside 1 MiB to 1 GiB and a concurrency below 1, sending none", async () => {
    kodo.emulator.resetStats();
    const bytes = patternBytes(5 * MiB, 23);
    for (const options of [
      { partSize: MiB - 1 },
      { partSize: 1024 * MiB + 1 },
      { partSize: 1.5 },
      { concurrency: 0 },
    ]) {
      expect((await put(client, "parts/refused.bin", bytes, options)).error?.code).toBe(
        "invalid_input",
      );
    }
    expect(kodo.emulator.requests()).toHaveLength(0);
  });

  it("raises the part size so that no object needs more than 10,000 parts", async () => {
    // A sparse file of 48 GiB: 4 MiB parts would need 12,288 of them, 5 MiB parts 9,831.
    const path = join(dir, "sparse.bin");
    await writeFile(path, "");
    await truncate(path, 48 * 1024 * MiB);
    const watched = watchedFetch();
    const watchedClient = kodo.clientFor("photos", { fetch: watched.fetch });
    const controller = new AbortController();
    void waitFor(() => watched.started > 0, 10_000).then(() => controller.abort());

    const result = await putFile(watchedClient, "parts/sparse.bin", path, {
      resume: false,
      signal: controller.signal,
    });
    expect(result.error?.code).toBe("aborted");
    expect(watched.sizes[0]).toBe(5 * MiB);
    await rm(path);
  });
});

describe("bodies", () => {
  const size = 9 * MiB + 5;
  const bodies: Array<[string, (bytes: Uint8Array) => Promise<unknown>]> = [
    ["a Blob", async (bytes) => blobOf(bytes)],
    ["a Web stream of unknown length", async (bytes) => webStream(bytes, 50_000)],
    ["a Node stream of unknown length", async (bytes) => Readable.from(pieces(bytes, 70_000))],
  ];

  for (const [kind, body] of bodies) {
    it(`uploads ${kind} in parts, reporting progress at least every 256 KiB`, async () => {
      const bytes = patternBytes(size, kind.length);
      const key = `bodies/${kind.replaceAll(" ", "-")}`;
      const progress = progressLog();
      const result = await put(client, key, (await body(bytes)) as Blob, {
        partSize: 2 * MiB,
        onProgress: progress.onProgress,
      });
      expect(result.error).toBeUndefined();
      expect(result.data).toMatchObject({ key, fsize: size, hash: await hashOf(bytes, 2 * MiB) });
      expect(progress.problem(size)).toBeUndefined();
      expect(largestStep(progress.reports)).toBeLessThanOrEqual(256 * KiB);
      await expectStored(key, bytes, 2 * MiB);
    });
  }

  it("uploads a file in parts, reporting progress at least every 256 KiB", async () => {
    const bytes = patternBytes(size, 31);
    const path = join(dir, "body.bin");
    await writeFile(path, bytes);
    const progress = progressLog();
    const result = await putFile(client, "bodies/file", path, {
      resume: false,
      onProgress: progress.onProgress,
    });
    expect(result.error).toBeUndefined();
    expect(result.data?.hash).toBe(await hashOf(bytes));
    expect(progress.problem(size)).toBeUndefined();
    expect(largestStep(progress.reports)).toBeLessThanOrEqual(256 * KiB);
    expect(progress.reports.every((report) => report.total === size)).toBe(true);
    await expectStored("bodies/file", bytes);
  });

  it("reads a stream no further ahead than concurrency × part size", async () => {
    // Every part waits at the service, so a reader that ran ahead would have read it all.
    const total = 16 * MiB;
    const bytes = patternBytes(total, 32);
    let pulled = 0;
    let furthestAhead = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= total) return controller.close();
        const acknowledged = (routeStats(kodo.emulator, "up.v2.part").statuses["200"] ?? 0) * MiB;
        furthestAhead = Math.max(furthestAhead, pulled - acknowledged);
        controller.enqueue(bytes.slice(pulled, pulled + 64 * KiB));
        pulled += 64 * KiB;
      },
    });
    kodo.emulator.resetStats();
    kodo.emulator.addFault({ route: "up.v2.part", delayMs: 100 });

    const result = await put(client, "bodies/bounded.bin", stream, {
      partSize: MiB,
      concurrency: 3,
      multipartThreshold: 0,
    });
    expect(result.error).toBeUndefined();
    expect(result.data?.hash).toBe(await hashOf(bytes, MiB));
    expect(furthestAhead).toBeLessThanOrEqual(3 * MiB + 64 * KiB);
    expect(furthestAhead).toBeGreaterThanOrEqual(2 * MiB);
  });
});

describe("abort", () => {
  it("stops the parts being sent within 100 ms; a second call sends what is missing", async () => {
    const total = 24 * MiB;
    const bytes = patternBytes(total, 41);
    const store = createMemoryResumeStore();
    const { watched, client: watchedClient } = watchClient();
    const arrivals = countArrivals(kodo.emulator);

    // The abort comes from inside a part's body, as it is being sent.
    const controller = new AbortController();
    let abortedAt = 0;
    let inFlightThen = 0;
    const first = await put(watchedClient, "abort/resumed.bin", bytes, {
      partSize: MiB,
      resumeStore: store,
      signal: controller.signal,
      onProgress: ({ loaded }) => {
        if (loaded < 8 * MiB || abortedAt !== 0) return;
        inFlightThen = watched.inFlight;
        abortedAt = performance.now();
        controller.abort();
      },
    });
    expect(first.error?.code).toBe("aborted");
    expect(performance.now() - abortedAt).toBeLessThan(100);
    expect(inFlightThen).toBeGreaterThan(0);
    const left = 100 - (performance.now() - abortedAt);
    expect(await settledWithin(kodo.emulator, arrivals, left)).toBe(true);
    expect(watched.inFlight).toBe(0);
    expect(await settled(kodo.emulator, arrivals)).toBe(true);

    // The state kept names the upload and the parts done.
    const saved = await store.get("photos:abort/resumed.bin");
    expect(saved?.parts.length).toBeGreaterThanOrEqual(4);
    expect(saved?.parts.length).toBeLessThan(24);
    expect([...uploadIdsOfParts(kodo.emulator)]).toEqual([saved?.uploadId]);
    const held = await heldParts("abort/resumed.bin", saved!.uploadId);

    // The second call goes on with the same upload and sends only what the service lacks.
    kodo.emulator.resetStats();
    const progress = progressLog();
    const second = await put(client, "abort/resumed.bin", bytes, {
      partSize: MiB,
      resumeStore: store,
      onProgress: progress.onProgress,
    });
    expect(second.error).toBeUndefined();
    expect(second.data?.hash).toBe(await hashOf(bytes, MiB));
    expect(routeStats(kodo.emulator, "up.v2.init").requests).toBe(0);
    expect([...uploadIdsOfParts(kodo.emulator)]).toEqual([saved?.uploadId]);
    expectOnlyMissingSent(held, total);
    expect(progress.problem(total)).toBeUndefined();
    expect(progress.reports[0]?.loaded).toBeGreaterThanOrEqual(held.bytes);
    expect(await store.get("photos:abort/resumed.bin")).toBeUndefined();
    await expectStored("abort/resumed.bin", bytes, MiB);
  });

  it("stops every part waiting for its answer within 100 ms", async () => {
    const bytes = patternBytes(16 * MiB, 43);
    const { watched, client: watchedClient } = watchClient();

    // The service holds its answers; the abort comes once four parts wait for the rest of one.
    kodo.emulator.addFault({ route: "up.v2.part", stallMs: 10_000 });
    const waiting = () => watched.answered - routeStats(kodo.emulator, "up.v2.part").requests;
    const controller = new AbortController();
    let abortedAt = 0;
    let waitingThen = 0;
    void waitFor(() => watched.inFlight === 0 && waiting() === 4, 5000).then(() => {
      waitingThen = waiting();
      abortedAt = performance.now();
      controller.abort();
    });
    const result = await put(watchedClient, "abort/held.bin", bytes, {
      partSize: MiB,
      signal: controller.signal,
    });
    expect(result.error?.code).toBe("aborted");
    expect(waitingThen).toBe(4);
    expect(performance.now() - abortedAt).toBeLessThan(100);

    // Those had the heads of their answers, so the service has them: it saw each one end.
    const left = 100 - (performance.now() - abortedAt);
    expect(await settledWithin(kodo.emulator, async () => watched.answered, left)).toBe(true);
  });

  it("ends at once when the source is stuck in a read", async () => {
    // A stream that gives 6 MiB and then nothing more, ever.
    const bytes = patternBytes(6 * MiB, 42);
    let given = false;
    const stuck = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!given) controller.enqueue(bytes);
        given = true;
        return new Promise<void>(() => undefined);
      },
    });
    const abort = abortAfter(2 * MiB);
    const result = await put(abort.client, "abort/stuck.bin", stuck, {
      partSize: MiB,
      signal: abort.signal,
      onProgress: abort.onProgress,
    });
    expect(result.error?.code).toBe("aborted");
    expect(performance.now() - abort.abortedAt).toBeLessThan(100);
  });
});

describe("resume stores", () => {
  it("keep the state of putFile in a JSON file of its own by default, always whole", async () => {
    const total = 12 * MiB;
    const bytes = patternBytes(total, 51);
    const path = join(dir, "default-store.bin");
    await writeFile(path, bytes);
    const resumeDir = await defaultResumeDir();
    const abort = abortAfter(6 * MiB);

    // While parts are saved, every state file read is whole JSON.
    let reads = 0;
    let broken = 0;
    let reading = true;
    const reader = (async () => {
      while (reading) {
        for (const name of await readdir(resumeDir).catch(() => [] as string[])) {
          if (!name.endsWith(".json")) continue;
          const text = await readFile(join(resumeDir, name), "utf8").catch(() => undefined);
          if (text === undefined) continue;
          reads += 1;
          try {
            JSON.parse(text);
          } catch {
            broken += 1;
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    const first = await putFile(abort.client, "stores/default.bin", path, {
      partSize: MiB,
      signal: abort.signal,
      onProgress: abort.onProgress,
    });
    reading = false;
    await reader;
    expect(first.error?.code).toBe("aborted");
    await abort.settled();
    expect(reads).toBeGreaterThan(0);
    expect(broken).toBe(0);

    // One file names this upload; only its owner may read it.
    const [uploadId] = uploadIdsOfParts(kodo.emulator);
    const files: string[] = [];
    for (const name of await readdir(resumeDir)) {
      const text = await readFile(join(resumeDir, name), "utf8").catch(() => "");
      if (text.includes(uploadId!)) files.push(name);
    }
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{40}\.json$/);
    expect((await fileStat(join(resumeDir, files[0]!))).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(join(resumeDir, files[0]!), "utf8")) as ResumeState;
    expect(saved.parts.length).toBeGreaterThan(0);

    // The next call resumes from it, then deletes it.
    const held = await heldParts("stores/default.bin", saved.uploadId);
    expect(held.bytes).toBeGreaterThanOrEqual(savedBytes(saved));
    kodo.emulator.resetStats();
    const second = await putFile(client, "stores/default.bin", path, { partSize: MiB });
    expect(second.error).toBeUndefined();
    expect(second.data?.hash).toBe(await hashOf(bytes, MiB));
    expectOnlyMissingSent(held, total);
    expect((await readdir(resumeDir)).filter((name) => name.startsWith(files[0]!))).toEqual([]);
  });

  it("in files delete, with a state, the temporary files a killed process left", async () => {
    const storeDir = join(dir, "left-store");
    const store = createFileResumeStore(storeDir);
    const state: ResumeState = {
      version: 1,
      bucket: "photos",
      key: "k",
      uploadId: "u",
      expireAt: 2_000_000_000,
      partSize: MiB,
      fingerprint: "f",
      parts: [],
    };
    await store.set("photos:k", state);
    const [file] = await readdir(storeDir);
    await writeFile(join(storeDir, `${file}.4242.1700000000000.tmp`), '{"version":1,"bu');
    await writeFile(join(storeDir, "other.json"), "{}");
    expect(await store.get("photos:k")).toEqual(state);

    await store.delete("photos:k");
    expect(await store.get("photos:k")).toBeUndefined();
    expect(await readdir(storeDir)).toEqual(["other.json"]);
  });

  it("can be the caller's own { get, set, delete }, for a stream named by resumeId", async () => {
    const total = 10 * MiB + 3;
    const bytes = patternBytes(total, 52);
    const states = new Map<string, ResumeState>();
    const calls: string[] = [];
    const store: ResumeStore = {
      get: async (id) => {
        calls.push(`get ${id}`);
        return structuredClone(states.get(id));
      },
      set: async (id, state) => {
        calls.push(`set ${id}`);
        states.set(id, structuredClone(state));
      },
      delete: async (id) => {
        calls.push(`delete ${id}`);
        states.delete(id);
      },
    };

    const abort = abortAfter(5 * MiB);
    const first = await put(abort.client, "stores/own.bin", webStream(bytes), {
      partSize: MiB,
      resumeStore: store,
      resumeId: "own-stream-v1",
      signal: abort.signal,
      onProgress: abort.onProgress,
    });
    expect(first.error?.code).toBe("aborted");
    await abort.settled();
    const saved = states.get("own-stream-v1");
    expect(saved?.parts.length).toBeGreaterThanOrEqual(1);

    kodo.emulator.resetStats();
    const second = await put(client, "stores/own.bin", webStream(bytes), {
      partSize: MiB,
      resumeStore: store,
      resumeId: "own-stream-v1",
    });
    expect(second.error).toBeUndefined();
    expect(second.data?.hash).toBe(await hashOf(bytes, MiB));
    expect(routeStats(kodo.emulator, "up.v2.part").bytesReceived).toBe(total - savedBytes(saved));
    expect(states.size).toBe(0);
    expect(calls[0]).toBe("get own-stream-v1");
    expect(calls.at(-1)).toBe("delete own-stream-v1");
  });

  it("start over when the file changed since the state was saved", async () => {
    const total = 8 * MiB;
    const path = join(dir, "changing.bin");
    await writeFile(path, patternBytes(total, 53));
    const store = createFileResumeStore(join(dir, "changing-store"));
    const abort = abortAfter(4 * MiB);
    const first = await putFile(abort.client, "stores/changing.bin", path, {
      partSize: MiB,
      resumeStore: store,
      signal: abort.signal,
      onProgress: abort.onProgress,
    });
    expect(first.error?.code).toBe("aborted");
    await abort.settled();

    // Same size, other bytes, another mtime.
    const changed = patternBytes(total, 54);
    await writeFile(path, changed);
    await utimes(path, new Date(), new Date(Date.now() + 5000));
    kodo.emulator.resetStats();
    const second = await putFile(client, "stores/changing.bin", path, {
      partSize: MiB,
      resumeStore: store,
    });
    expect(second.error).toBeUndefined();
    expect(second.data?.hash).toBe(await hashOf(changed, MiB));
    expect(routeStats(kodo.emulator, "up.v2.init").requests).toBe(1);
    expect(routeStats(kodo.emulator, "up.v2.part").bytesReceived).toBe(total);
    await expectStored("stores/changing.bin", changed, MiB);
  });

  it("start over for a body of another size under the same resumeId", async () => {
    const store = createMemoryResumeStore();
    const abort = abortAfter(3 * MiB);
    const first = await put(abort.client, "stores/sized.bin", blobOf(patternBytes(8 * MiB, 55)), {
      partSize: MiB,
      resumeStore: store,
      resumeId: "sized",
      signal: abort.signal,
      onProgress: abort.onProgress,
    });
    expect(first.error?.code).toBe("aborted");
    await abort.settled();

    const other = patternBytes(6 * MiB, 56);
    kodo.emulator.resetStats();
    const second = await put(client, "stores/sized.bin", blobOf(other), {
      partSize: MiB,
      resumeStore: store,
      resumeId: "sized",
    });
    expect(second.error).toBeUndefined();
    expect(second.data?.hash).toBe(await hashOf(other, MiB));
    expect(routeStats(kodo.emulator, "up.v2.part").bytesReceived).toBe(other.length);
  });
});

describe("parts the service holds that the state missed", () => {
  it("are checked against the source instead of being sent again", async () => {
    // A process stopped between parts' answers and the saving of them: the state lost its last
    // parts, the service still has them.
    const total = 10 * MiB + 11;
    const bytes = patternBytes(total, 57);
    const store = createMemoryResumeStore();
    const abort = abortAfter(7 * MiB);
    const first = await put(abort.client, "held/missed.bin", blobOf(bytes), {
      partSize: MiB,
      resumeStore: store,
      signal: abort.signal,
      onProgress: abort.onProgress,
    });
    expect(first.error?.code).toBe("aborted");
    await abort.settled();
    const saved = (await store.get("photos:held/missed.bin"))!;
    expect(saved.parts.length).toBeGreaterThanOrEqual(2);
    const held = await heldParts("held/missed.bin", saved.uploadId);
    await store.set("photos:held/missed.bin", { ...saved, parts: saved.parts.slice(0, 1) });

    kodo.emulator.resetStats();
    const second = await put(client, "held/missed.bin", blobOf(bytes), {
      partSize: MiB,
      resumeStore: store,
    });
    expect(second.error).toBeUndefined();
    expect(second.data?.hash).toBe(await hashOf(bytes, MiB));
    expectOnlyMissingSent(held, total);
    expect(held.bytes).toBeGreaterThan(savedBytes(saved.parts.slice(0, 1)));
    await expectStored("held/missed.bin", bytes, MiB);
  });
});

describe("an uploadId the service no longer knows (612)", () => {
  it("starts over when the saved upload is gone", async () => {
    const total = 8 * MiB;
    const bytes = patternBytes(total, 61);
    const store = createMemoryResumeStore();
    const abort = abortAfter(4 * MiB);
    const first = await put(abort.client, "gone/saved.bin", bytes, {
      partSize: MiB,
      resumeStore: store,
      signal: abort.signal,
      onProgress: abort.onProgress,
    });
    expect(first.error?.code).toBe("aborted");
    await abort.settled();
    const saved = await store.get("photos:gone/saved.bin");

    kodo.emulator.resetStats();
    kodo.emulator.addFault({ route: "up.v2.list", status: 612, times: 1 });
    const second = await put(client, "gone/saved.bin", bytes, {
      partSize: MiB,
      resumeStore: store,
    });
    expect(second.error).toBeUndefined();
    expect(second.data?.hash).toBe(await hashOf(bytes, MiB));
    expect(routeStats(kodo.emulator, "up.v2.init").requests).toBe(1);
    expect(routeStats(kodo.emulator, "up.v2.part").bytesReceived).toBe(total);
    expect(uploadIdsOfParts(kodo.emulator).has(saved!.uploadId)).toBe(false);
    expect(await store.get("photos:gone/saved.bin")).toBeUndefined();
  });

  it("starts over when the upload is forgotten midway, progress never going back", async () => {
    const total = 12 * MiB;
    const bytes = patternBytes(total, 62);
    const progress = progressLog();
    let faulted = false;
    kodo.emulator.resetStats();
    const result = await put(client, "gone/midway.bin", blobOf(bytes), {
      partSize: MiB,
      onProgress: (report) => {
        progress.onProgress(report);
        if (report.loaded < 6 * MiB || faulted) return;
        faulted = true;
        kodo.emulator.addFault({ route: "up.v2.part", status: 612, times: 1 });
      },
    });
    expect(result.error).toBeUndefined();
    expect(result.data?.hash).toBe(await hashOf(bytes, MiB));
    expect(routeStats(kodo.emulator, "up.v2.init").requests).toBe(2);
    expect(routeStats(kodo.emulator, "up.v2.part").statuses["612"]).toBe(1);
    expect(uploadIdsOfParts(kodo.emulator).size).toBe(2);
    expect(progress.problem(total)).toBeUndefined();
    await expectStored("gone/midway.bin", bytes, MiB);
  });

  it("starts over when completing answers 612", async () => {
    const bytes = patternBytes(6 * MiB, 63);
    kodo.emulator.resetStats();
    kodo.emulator.addFault({ route: "up.v2.complete", status: 612, times: 1 });
    const result = await put(client, "gone/complete.bin", bytes, { partSize: MiB });
    expect(result.error).toBeUndefined();
    expect(result.data?.hash).toBe(await hashOf(bytes, MiB));
    expect(routeStats(kodo.emulator, "up.v2.init").requests).toBe(2);
    expect(routeStats(kodo.emulator, "up.v2.complete").requests).toBe(2);
  });

  it("gives not_found for a stream, which cannot be read twice, forgetting its state", async () => {
    const bytes = patternBytes(8 * MiB, 64);
    const store = createMemoryResumeStore();
    let faulted = false;
    const result = await put(client, "gone/stream.bin", webStream(bytes), {
      partSize: MiB,
      resumeStore: store,
      resumeId: "gone-stream",
      onProgress: ({ loaded }) => {
        if (loaded < 3 * MiB || faulted) return;
        faulted = true;
        kodo.emulator.addFault({ route: "up.v2.part", status: 612, times: 1 });
      },
    });
    expect(result.error?.code).toBe("not_found");
    expect(result.error?.status).toBe(612);
    expect(await store.get("gone-stream")).toBeUndefined();
  });
});

describe("checksums", () => {
  it("gives checksum_mismatch when the service answers with another hash", async () => {
    const bytes = patternBytes(6 * MiB, 71);
    const other = await hashOf(patternBytes(6 * MiB, 72), MiB);
    kodo.emulator.addFault({
      route: "up.v2.complete",
      body: JSON.stringify({ hash: other, key: "sums/other.bin" }),
      times: 1,
    });
    const result = await put(client, "sums/other.bin", bytes, { partSize: MiB });
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe("checksum_mismatch");
    expect(result.error?.message).toContain(other);
    expect(result.error?.message).toContain(await hashOf(bytes, MiB));
  });

  it("sends a part again when the service got other bytes (its MD5 differs)", async () => {
    const bytes = patternBytes(5 * MiB, 73);
    kodo.emulator.resetStats();
    kodo.emulator.addFault({
      route: "up.v2.part",
      body: JSON.stringify({ etag: "bogus", md5: "0".repeat(32) }),
      times: 1,
    });
    const result = await put(client, "sums/part.bin", bytes, { partSize: MiB });
    expect(result.error).toBeUndefined();
    expect(result.data?.hash).toBe(await hashOf(bytes, MiB));
    expect(routeStats(kodo.emulator, "up.v2.part").requests).toBe(6);
    await expectStored("sums/part.bin", bytes, MiB);
  });
});

describe("faults", () => {
  const total = 64 * MiB;

  for (const kind of ["a file", "a Web stream of unknown length"]) {
    it(`complete 64 MiB of ${kind} when a third of the parts fail (503, reset)`, async () => {
      const bytes = patternBytes(total, kind.length);
      const path = join(dir, "faults.bin");
      if (kind === "a file") await writeFile(path, bytes);
      const key = `faults/${kind.replaceAll(" ", "-")}`;
      const sturdy = kodo.clientFor("photos", {
        retry: { retries: 10, baseDelayMs: 5, maxDelayMs: 40 },
      });
      kodo.emulator.resetStats();
      // One request in six answers 503, one in six loses its connection halfway through the body.
      kodo.emulator.addFault({ route: "up.v2.part", status: 503, probability: 1 / 6 });
      kodo.emulator.addFault({ route: "up.v2.part", resetAfterBytes: MiB, probability: 1 / 5 });

      const progress = progressLog();
      const options = { partSize: 2 * MiB, onProgress: progress.onProgress };
      const result =
        kind === "a file"
          ? await putFile(sturdy, key, path, { ...options, resume: false })
          : await put(sturdy, key, webStream(bytes, 100_000), options);
      expect(result.error).toBeUndefined();
      expect(result.data?.hash).toBe(await hashOf(bytes, 2 * MiB));
      expect(progress.problem(total)).toBeUndefined();

      const parts = routeStats(kodo.emulator, "up.v2.part");
      const failed = (parts.statuses["503"] ?? 0) + (parts.statuses["0"] ?? 0);
      expect(parts.statuses["200"]).toBe(32);
      expect(parts.statuses["503"]).toBeGreaterThan(0);
      expect(parts.statuses["0"]).toBeGreaterThan(0);
      // About a third, by chance (a loaded machine may add failures of its own).
      expect(failed / parts.requests).toBeGreaterThan(0.15);
      expect(failed / parts.requests).toBeLessThan(0.7);
      await expectStored(key, bytes, 2 * MiB);
    });
  }
});
