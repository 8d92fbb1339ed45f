import type { UploadProgress } from "./uploadTypes.ts";

/** Counts the bytes of an upload's parts and reports them, never going backwards. */
export interface ProgressTracker {
  /** A part in flight has had `sent` of its bytes taken by fetch. */
  sending(partNumber: number, sent: number): void;
  /** A part was acknowledged. */
  done(partNumber: number, size: number): void;
  /** Parts found done when resuming: reported at once, as one step. */
  resumed(size: number): void;
  /** The end of a source of unknown length was read: its size is now known. */
  ended(size: number): void;
  /**
   * The upload starts over from its first byte: counting begins again, but nothing is reported
   * until the count passes what was already reported.
   */
  restart(): void;
  /** The upload is complete: reports the total, once. */
  finish(total: number): void;
}

/** Starts counting; `onProgress` may be absent, and then nothing is reported. */
export function trackProgress(
  total: number | undefined,
  onProgress: ((progress: UploadProgress) => void) | undefined,
): ProgressTracker {
  let known = total;
  const holdBack = total === undefined ? 1 : 0;
  let acknowledged = 0;
  const inFlight = new Map<number, number>();
  let reported = -1;
  let finished = false;

  // A callback that throws must not break the upload (it may run inside a request's body).
  const tell = (progress: UploadProgress) => {
    try {
      onProgress?.(progress);
    } catch {
      // The caller's failure is not the upload's.
    }
  };

  // Bytes are counted a slice of a part (256 KiB) at a time: each new count is reported.
  const report = () => {
    if (onProgress === undefined || finished) return;
    let counted = acknowledged;
    for (const sent of inFlight.values()) counted += sent;
    // The last byte is reported by finish() alone, after the service has the whole object; when
    // the total was unknown, any byte may be the last, so one is held back to the end.
    const loaded = Math.min(counted - holdBack, (known ?? counted) - 1);
    if (loaded <= reported) return;
    reported = loaded;
    tell({ loaded, total: known });
  };

  return {
    sending(partNumber, sent) {
      if (sent <= (inFlight.get(partNumber) ?? 0)) return;
      inFlight.set(partNumber, sent);
      report();
    },
    done(partNumber, size) {
      inFlight.delete(partNumber);
      acknowledged += size;
      report();
    },
    resumed(size) {
      acknowledged += size;
      if (size > 0) report();
    },
    ended(size) {
      known ??= size;
    },
    restart() {
      acknowledged = 0;
      inFlight.clear();
    },
    finish(size) {
      if (onProgress === undefined || finished) return;
      finished = true;
      tell({ loaded: size, total: size });
    },
  };
}
