import type { UploadProgress } from "./uploadTypes.ts";

/** Reports at least this often while bytes flow. */
const step = 256 * 1024;

/** Counts the bytes of an upload's parts and reports them, never going backwards. */
export interface ProgressTracker {
  /** A part in flight has had `sent` of its bytes taken by fetch. */
  sending(partNumber: number, sent: number): void;
  /** A part was acknowledged (or found done when resuming). */
  done(partNumber: number, size: number): void;
  /** The upload is complete: reports the total, once. */
  finish(total: number): void;
}

/** Starts counting; `onProgress` may be absent, and then nothing is reported. */
export function trackProgress(
  total: number | undefined,
  onProgress: ((progress: UploadProgress) => void) | undefined,
): ProgressTracker {
  let acknowledged = 0;
  const inFlight = new Map<number, number>();
  let reported = -1;
  let finished = false;

  const report = (force: boolean) => {
    if (onProgress === undefined || finished) return;
    let loaded = acknowledged;
    for (const sent of inFlight.values()) loaded += sent;
    // The total is reported by finish() alone, after the service has the whole object.
    if (total !== undefined) loaded = Math.min(loaded, total - 1);
    if (loaded <= reported || (!force && loaded - reported < step)) return;
    reported = loaded;
    onProgress({ loaded, total });
  };

  return {
    sending(partNumber, sent) {
      if (sent <= (inFlight.get(partNumber) ?? 0)) return;
      inFlight.set(partNumber, sent);
      report(false);
    },
    done(partNumber, size) {
      inFlight.delete(partNumber);
      acknowledged += size;
      report(true);
    },
    finish(size) {
      if (onProgress === undefined || finished) return;
      finished = true;
      onProgress({ loaded: size, total: size });
    },
  };
}
