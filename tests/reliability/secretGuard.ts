import type { RecordedRequest } from "../../src/emulator/types.ts";

/**
 * Watches the requests every emulator of a test file records, as they arrive, for the secret key
 * of that emulator: as sent, percent-encoded, or inside base64 (standard or URL-safe, at any
 * alignment). Checking each request when it is recorded keeps nothing in memory and misses none,
 * not even those a test forgets with `resetStats()` or that fall off the recorder's window.
 */

/** One request that carried an emulator's secret key. */
export interface Leak {
  route: string;
  method: string;
  /** Where the secret was: the URL, a header (by name) or the body. */
  where: string;
}

const leaks: Leak[] = [];
const patterns = new WeakMap<object, string[]>();
const waiting = new WeakMap<object, RecordedRequest[]>();
/** How many requests were checked, so that a test can tell the guard is in place. */
let checked = 0;

/** The forms of a secret to look for; of base64, the part its neighbours do not change. */
function formsOf(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret)]);
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.from("\0".repeat(shift) + secret).toString("base64");
    const core = encoded.slice(shift === 0 ? 0 : 4, -4);
    if (core.length < 8) continue;
    forms.add(core);
    forms.add(core.replaceAll("+", "-").replaceAll("/", "_"));
  }
  return [...forms];
}

function inspect(request: RecordedRequest, forms: readonly string[]): void {
  checked += 1;
  const places: Array<[string, string]> = [
    ["url", request.url],
    ["body", request.body],
    ...Object.entries(request.headers).map(([name, value]): [string, string] => [
      `header ${name}`,
      value,
    ]),
  ];
  for (const [where, text] of places) {
    if (forms.some((form) => text.includes(form))) {
      leaks.push({ route: request.route, method: request.method, where });
    }
  }
}

/**
 * Checks one request a recorder keeps; requests of a recorder whose emulator is not known yet
 * wait for {@link watchRecorder}.
 *
 * @param recorder - The emulator's recorder.
 * @param request - What it recorded.
 */
export function onRecorded(recorder: object, request: RecordedRequest): void {
  const forms = patterns.get(recorder);
  if (forms !== undefined) {
    inspect(request, forms);
    return;
  }
  const queue = waiting.get(recorder) ?? [];
  queue.push(request);
  waiting.set(recorder, queue);
}

/**
 * Ties a recorder to the secret key of its emulator, and checks what it recorded meanwhile.
 *
 * @param recorder - The emulator's recorder.
 * @param secretKey - The emulator's secret key.
 */
export function watchRecorder(recorder: object, secretKey: string): void {
  const forms = formsOf(secretKey);
  patterns.set(recorder, forms);
  for (const request of waiting.get(recorder) ?? []) inspect(request, forms);
  waiting.delete(recorder);
}

/**
 * Takes the leaks found since the last call.
 *
 * @returns Each request that carried its emulator's secret, and where.
 */
export function takeLeaks(): Leak[] {
  return leaks.splice(0);
}

/**
 * How many requests the guard has checked in this test file.
 *
 * @returns The count.
 */
export function checkedRequests(): number {
  return checked;
}
