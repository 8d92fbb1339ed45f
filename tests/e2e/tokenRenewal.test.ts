import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { uploadToken } from "../../src/auth/uploadToken.ts";
import type { Client } from "../../src/client.ts";
import { ok } from "../../src/result.ts";
import { byteSource } from "../../src/upload/byteSource.ts";
import { multipartUpload } from "../../src/upload/multipartUpload.ts";
import { put } from "../../src/upload/put.ts";
import { createMemoryResumeStore } from "../../src/upload/resumeStores.ts";
import type { UploadTarget } from "../../src/upload/uploadTypes.ts";
import { uploadWithToken } from "../../src/upload/uploadWithToken.ts";
import { patternBytes, startTestKodo, type TestKodo } from "../helpers/emulator.ts";
import {
  countArrivals,
  hashOf,
  MiB,
  routeStats,
  settled,
  uploadIdsOfParts,
  watchedFetch,
} from "../helpers/uploads.ts";

let kodo: TestKodo;
let client: Client;

beforeAll(async () => {
  kodo = await startTestKodo();
  client = kodo.client;
});

afterEach(() => {
  kodo.emulator.clearFaults();
  vi.restoreAllMocks();
});

afterAll(async () => {
  await kodo.emulator.stop();
});

/** The distinct upload tokens the part uploads were sent with, in order of first use. */
function partTokens(): string[] {
  const tokens = kodo.emulator
    .requests()
    .filter((request) => request.route === "up.v2.part")
    .map((request) => request.headers.authorization ?? "");
  return [...new Set(tokens)];
}

/**
 * Moves the clock of this process (the emulator's included) forward by an hour and a second once
 * `after` bytes were reported, so that the tokens signed before have expired.
 */
function expireTokensAfter(after: number) {
  const realNow = Date.now.bind(Date);
  let shift = 0;
  vi.spyOn(Date, "now").mockImplementation(() => realNow() + shift);
  return ({ loaded }: { loaded: number }) => {
    if (loaded >= after) shift = 3601 * 1000;
  };
}

/** An upload target of the emulator's `photos` bucket, as a holder of tokens alone sees it. */
function tokenTarget(
  first: () => Promise<string>,
  renew: (() => Promise<string>) | undefined,
): UploadTarget {
  return {
    transport: client,
    bucket: "photos",
    hosts: async () => ok([kodo.emulator.url]),
    token: async () => ok(await first()),
    renewToken: renew === undefined ? undefined : async () => ok(await renew()),
  };
}

async function signed(key: string, deadline?: number): Promise<string> {
  const token = await uploadToken(client, { scope: `photos:${key}`, deadline });
  return token.data!;
}

describe("an upload token that expires mid-upload", () => {
  it("is renewed through the target, the upload going on with its uploadId and parts", async () => {
    const key = "token/target.bin";
    const bytes = patternBytes(8 * MiB, 91);
    let renewals = 0;
    const target = tokenTarget(
      // Valid for one to two more seconds.
      () => signed(key, Math.floor(Date.now() / 1000) + 1),
      () => {
        renewals += 1;
        return signed(key);
      },
    );

    // Once two parts are done, the third waits at the service until the token has expired.
    kodo.emulator.resetStats();
    let slowed = false;
    const result = await multipartUpload({
      target,
      key,
      source: byteSource(bytes).data!,
      options: {
        partSize: MiB,
        concurrency: 1,
        onProgress: ({ loaded }) => {
          if (loaded < 2 * MiB || slowed) return;
          slowed = true;
          kodo.emulator.addFault({ route: "up.v2.part", delayMs: 2100, times: 1 });
        },
      },
      resume: undefined,
    });

    expect(result.error).toBeUndefined();
    expect(result.data?.hash).toBe(await hashOf(bytes, MiB));
    expect(renewals).toBe(1);
    const parts = routeStats(kodo.emulator, "up.v2.part");
    expect(parts.statuses).toEqual({ "200": 8, "401": 1 });
    expect(routeStats(kodo.emulator, "up.v2.init").requests).toBe(1);
    expect(uploadIdsOfParts(kodo.emulator).size).toBe(1);
    expect(partTokens()).toHaveLength(2);
    expect(routeStats(kodo.emulator, "up.v2.complete").statuses).toEqual({ "200": 1 });
  });

  it("is signed again by put's client, the upload going on where it was", async () => {
    const key = "token/put.bin";
    const total = 10 * MiB;
    const bytes = patternBytes(total, 92);
    kodo.emulator.resetStats();
    const result = await put(client, key, bytes, {
      partSize: MiB,
      concurrency: 2,
      onProgress: expireTokensAfter(4 * MiB),
    });

    expect(result.error).toBeUndefined();
    expect(result.data?.hash).toBe(await hashOf(bytes, MiB));
    const parts = routeStats(kodo.emulator, "up.v2.part");
    expect(parts.statuses["200"]).toBe(10);
    expect(parts.statuses["401"]).toBeGreaterThanOrEqual(1);
    expect(parts.statuses["401"]).toBeLessThanOrEqual(2);
    expect(parts.bytesReceived).toBeLessThanOrEqual(total + 2 * MiB);
    expect(routeStats(kodo.emulator, "up.v2.init").requests).toBe(1);
    expect(uploadIdsOfParts(kodo.emulator).size).toBe(1);
    expect(partTokens()).toHaveLength(2);
  });

  it("comes from uploadWithToken's tokenProvider", async () => {
    const key = "token/provider.bin";
    const bytes = patternBytes(9 * MiB, 93);
    let provided = 0;
    kodo.emulator.resetStats();
    const result = await uploadWithToken(await signed(key), key, bytes, {
      upHosts: [kodo.emulator.url],
      partSize: MiB,
      onProgress: expireTokensAfter(3 * MiB),
      tokenProvider: () => {
        provided += 1;
        return signed(key);
      },
    });

    expect(result.error).toBeUndefined();
    expect(result.data?.hash).toBe(await hashOf(bytes, MiB));
    expect(provided).toBe(1);
    expect(routeStats(kodo.emulator, "up.v2.part").statuses["401"]).toBeGreaterThanOrEqual(1);
    expect(uploadIdsOfParts(kodo.emulator).size).toBe(1);
  });

  it("gives unauthorized when no fresh one can be had, keeping the state to resume", async () => {
    const key = "token/none.bin";
    const total = 10 * MiB;
    const bytes = patternBytes(total, 94);
    const store = createMemoryResumeStore();
    const resume = { store, id: key, fingerprint: "v1" };
    const onProgress = expireTokensAfter(4 * MiB);

    const watched = watchedFetch();
    kodo.emulator.resetStats();
    const arrivals = countArrivals(kodo.emulator);
    const first = await multipartUpload({
      target: {
        ...tokenTarget(() => signed(key), undefined),
        transport: kodo.clientFor("photos", { fetch: watched.fetch }),
      },
      key,
      source: byteSource(bytes).data!,
      options: { partSize: MiB, concurrency: 2, onProgress },
      resume,
    });
    expect(first.error?.code).toBe("unauthorized");
    expect(await settled(kodo.emulator, arrivals)).toBe(true);
    const saved = await store.get(key);
    expect(saved?.parts.length).toBeGreaterThanOrEqual(1);

    // Later, with a fresh token, only the missing parts are sent.
    kodo.emulator.resetStats();
    const second = await multipartUpload({
      target: tokenTarget(() => signed(key), undefined),
      key,
      source: byteSource(bytes).data!,
      options: { partSize: MiB },
      resume,
    });
    expect(second.error).toBeUndefined();
    expect(second.data?.hash).toBe(await hashOf(bytes, MiB));
    const resent = total - saved!.parts.reduce((sum, part) => sum + part.size, 0);
    expect(routeStats(kodo.emulator, "up.v2.part").bytesReceived).toBe(resent);
    expect([...uploadIdsOfParts(kodo.emulator)]).toEqual([saved?.uploadId]);
  });
});
