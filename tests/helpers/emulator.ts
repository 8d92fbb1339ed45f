import { type Client, createClient } from "../../src/client.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import type { Emulator, EmulatorOptions } from "../../src/emulator/types.ts";

/** A running emulator and a client of one of its buckets. */
export interface TestKodo {
  emulator: Emulator;
  client: Client;
  /** A client of another bucket of the same emulator. */
  clientFor(bucket: string, options?: Partial<Parameters<typeof createClient>[0]>): Client;
}

/**
 * Starts an emulator with the buckets `photos` (public) and `vault` (private), and a client of
 * `photos` with quick retries.
 */
export async function startTestKodo(options: EmulatorOptions = {}): Promise<TestKodo> {
  const emulator = await startEmulator({
    buckets: ["photos", { name: "vault", private: true }],
    ...options,
  });
  const clientFor = (bucket: string, extra: Partial<Parameters<typeof createClient>[0]> = {}) =>
    createClient({
      accessKey: emulator.accessKey,
      secretKey: emulator.secretKey,
      bucket,
      ucHost: emulator.url,
      retry: { baseDelayMs: 5, maxDelayMs: 50 },
      ...extra,
    });
  return { emulator, client: clientFor("photos"), clientFor };
}

/** Deterministic bytes of a given size. */
export function patternBytes(size: number, seed = 1): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** Downloads a URL and gives its status, headers and bytes. */
export async function download(
  url: string,
): Promise<{ status: number; headers: Headers; bytes: Uint8Array }> {
  const response = await fetch(url);
  return {
    status: response.status,
    headers: response.headers,
    bytes: new Uint8Array(await response.arrayBuffer()),
  };
}
