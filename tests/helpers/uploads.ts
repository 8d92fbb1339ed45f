import type { Emulator, FaultRule } from "../../src/emulator/types.ts";
import { etagV2Text as etagV2 } from "../../src/etag/etagV2.ts";
import type { UploadProgress } from "../../src/upload/uploadTypes.ts";

export const KiB = 1024;
export const MiB = 1024 * 1024;

/** A fetch that counts the part uploads (PUT requests) it sends and how many run at once. */
export interface WatchedFetch {
  fetch: typeof fetch;
  /** Part uploads started. */
  started: number;
  /** Part uploads whose fetch has not settled yet. */
  inFlight: number;
  /** Part uploads answered (the head of their response arrived): the service has them. */
  answered: number;
  /** The most part uploads that were in flight at the same time. */
  maxInFlight: number;
  /** The `Content-Length` of each part upload, in the order they were sent. */
  sizes: number[];
}

/** Wraps the global fetch to watch the part uploads going through it. */
export function watchedFetch(): WatchedFetch {
  const watched: WatchedFetch = {
    started: 0,
    inFlight: 0,
    answered: 0,
    maxInFlight: 0,
    sizes: [],
    fetch: async (input, init) => {
      if (init?.method !== "PUT") return fetch(input, init);
      const headers = new Headers(init.headers);
      watched.sizes.push(Number(headers.get("content-length")));
      watched.started += 1;
      watched.inFlight += 1;
      watched.maxInFlight = Math.max(watched.maxInFlight, watched.inFlight);
      try {
        const response = await fetch(input, init);
        watched.answered += 1;
        return response;
      } finally {
        watched.inFlight -= 1;
      }
    },
  };
  return watched;
}

/** A Blob of bytes. */
export function blobOf(bytes: Uint8Array): Blob {
  // Test bytes are never over a SharedArrayBuffer, whatever their static type says.
  return new Blob([bytes as Uint8Array<ArrayBuffer>]);
}

/** A Web stream of unknown length over bytes, in chunks of a given size. */
export function webStream(bytes: Uint8Array, chunk = 64 * KiB): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

/** Pieces of bytes of a given size, each a copy. */
export function* pieces(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

/** Records progress reports and checks what every upload's reports must satisfy. */
export function progressLog(): {
  onProgress: (progress: UploadProgress) => void;
  reports: UploadProgress[];
  /** Why the reports break the rules for an upload of `total` bytes, or `undefined`. */
  problem(total: number): string | undefined;
} {
  const reports: UploadProgress[] = [];
  return {
    reports,
    onProgress: (progress) => reports.push(progress),
    problem(total) {
      const loaded = reports.map((report) => report.loaded);
      if (loaded.at(-1) !== total) return `the last report is ${loaded.at(-1)}, not ${total}`;
      const finals = reports.filter((report) => report.loaded === total && report.total === total);
      if (finals.length !== 1) return `the total was reported ${finals.length} times`;
      for (let i = 1; i < loaded.length; i++) {
        if (loaded[i]! <= loaded[i - 1]!)
          return `report ${i} went from ${loaded[i - 1]} to ${loaded[i]}`;
      }
      return undefined;
    },
  };
}

/** The largest step between two reports (from 0 to the first one included). */
export function largestStep(reports: readonly UploadProgress[]): number {
  let largest = 0;
  let previous = 0;
  for (const { loaded } of reports) {
    largest = Math.max(largest, loaded - previous);
    previous = loaded;
  }
  return largest;
}

/** The uploadIds named by the part uploads the emulator received. */
export function uploadIdsOfParts(emulator: Emulator): Set<string> {
  const ids = emulator
    .requests()
    .filter((request) => request.route === "up.v2.part")
    .map((request) => request.url.split("/")[6] ?? "");
  return new Set(ids);
}

/** Waits until `condition` holds, checking every few milliseconds; false when time runs out. */
export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return true;
}

/** Requests and bytes of one route of the emulator, zero when it saw none. */
export function routeStats(emulator: Emulator, route: string) {
  const stats = emulator.stats()[route];
  return {
    requests: stats?.requests ?? 0,
    bytesReceived: stats?.bytesReceived ?? 0,
    statuses: stats?.statuses ?? {},
  };
}

/** The hash the service gives bytes uploaded in parts of `partSize` (v1 for 4 MiB parts). */
export function hashOf(bytes: Uint8Array, partSize = 4 * MiB): Promise<string> {
  return etagV2([...pieces(bytes, partSize)]);
}

/** How many part uploads have reached the service so far. */
export type ArrivalCount = () => Promise<number>;

/**
 * Counts the part uploads that reach the service, with a fault rule that changes nothing (no
 * delay, no status) but counts each request it meets. Add it after any other rule of the route.
 */
export function countArrivals(emulator: Emulator): ArrivalCount {
  const times = 1_000_000;
  emulator.addFault({ route: "up.v2.part", delayMs: 0, times });
  return async () => {
    const response = await fetch(`${emulator.url}/__emulator/faults`);
    const rules = (await response.json()) as Array<FaultRule & { remaining: number | null }>;
    const counter = rules.find((rule) => rule.route === "up.v2.part" && rule.times === times);
    return times - (counter?.remaining ?? times);
  };
}

/** Whether every part upload that reached the service has ended there, within the time given. */
export async function settledWithin(
  emulator: Emulator,
  arrivals: ArrivalCount,
  ms: number,
): Promise<boolean> {
  const deadline = performance.now() + ms;
  for (;;) {
    const arrived = await arrivals();
    if (routeStats(emulator, "up.v2.part").requests >= arrived) return true;
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Waits until every part upload of an aborted upload that reached the service has ended there. */
export async function settled(emulator: Emulator, arrivals: ArrivalCount): Promise<boolean> {
  if (!(await settledWithin(emulator, arrivals, 2000))) return false;
  // Nothing more for 50 ms: no request was still on its way.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return settledWithin(emulator, arrivals, 0);
}
