import { expect } from "vitest";
import { type Client, type ClientOptions, createClient } from "../../src/client.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import type { Emulator, EmulatorOptions, RecordedRequest } from "../../src/emulator/types.ts";
import { batch } from "../../src/objects/batch.ts";
import { copyOp } from "../../src/objects/batchOps.ts";
import { downloadUrl } from "../../src/objects/downloadUrl.ts";
import { remove } from "../../src/objects/remove.ts";
import { put } from "../../src/upload/put.ts";

/** A running emulator and a way to make clients of it. */
export interface E2e {
  emulator: Emulator;
  /** A client of the emulator for `bucket` (the first bucket by default), with quick retries. */
  client(bucket?: string, options?: Partial<ClientOptions>): Client;
  stop(): Promise<void>;
}

/** Starts an emulator with the given buckets. */
export async function startE2e(
  buckets: string[] = ["bkt"],
  options: EmulatorOptions = {},
): Promise<E2e> {
  const emulator = await startEmulator({ buckets, ...options });
  return {
    emulator,
    client: (bucket = buckets[0]!, extra = {}) =>
      createClient({
        accessKey: emulator.accessKey,
        secretKey: emulator.secretKey,
        bucket,
        ucHost: emulator.url,
        retry: { baseDelayMs: 1, maxDelayMs: 5 },
        ...extra,
      }),
    stop: () => emulator.stop(),
  };
}

/** Runs `work` and gives what it returned with the requests the emulator received meanwhile. */
export async function requestsDuring<T>(
  emulator: Emulator,
  work: () => Promise<T>,
): Promise<{ value: T; requests: RecordedRequest[] }> {
  emulator.resetStats();
  const value = await work();
  return { value, requests: emulator.requests() };
}

/** Downloads an object of the client's bucket and gives its bytes and response headers. */
export async function download(
  client: Client,
  key: string,
): Promise<{ status: number; bytes: Uint8Array; headers: Headers }> {
  const link = await downloadUrl(client, key);
  if (!link.ok) throw link.error;
  const response = await fetch(link.data.url);
  return {
    status: response.status,
    bytes: new Uint8Array(await response.arrayBuffer()),
    headers: response.headers,
  };
}

/** Creates many small objects quickly: one upload, then batched copies of it. */
export async function seed(client: Client, keys: readonly string[], body = "x"): Promise<void> {
  const source = "__seed-source";
  const uploaded = await put(client, source, body);
  if (!uploaded.ok) throw uploaded.error;
  const copied = await batch(
    client,
    keys.map((key) => copyOp(source, key, { force: true })),
  );
  if (!copied.ok) throw copied.error;
  const failed = copied.data.find((item) => !item.ok);
  if (failed !== undefined && !failed.ok) throw failed.error;
  const removed = await remove(client, source);
  if (!removed.ok) throw removed.error;
}

/** Expects two byte arrays to be equal, quickly (deep equality is slow on megabytes). */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length);
  const first = actual.findIndex((byte, i) => byte !== expected[i]);
  expect(first, "index of the first differing byte").toBe(-1);
}
