import { formatBytes } from "./output.ts";

/** Where progress is drawn: standard error, or anything that writes text. */
export interface ProgressStream {
  write(text: string): unknown;
  /** A terminal gets a bar redrawn in place; anything else gets plain lines. */
  isTTY?: boolean | undefined;
  /** The terminal's width, when known. */
  columns?: number | undefined;
}

/** Shows how far a transfer has come. */
export interface Progress {
  /** Reports the bytes done so far and the total, when known. */
  update(loaded: number, total: number | undefined): void;
  /** Ends the display (a terminal's bar gets its last state and a new line). */
  finish(): void;
}

/** How often a terminal's bar is redrawn, and a plain line without a total is printed. */
const redrawMs = 100;
const lineMs = 1000;

/**
 * Creates a progress display: on a terminal, a bar redrawn in place with the percentage, the
 * bytes and the rate; elsewhere, a plain line at every tenth of the total (or every second when
 * the total is unknown), so that logs stay short.
 *
 * @param label - What is transferred, such as the key.
 * @param stream - Where to draw, usually `process.stderr`.
 * @param now - The clock, in milliseconds.
 * @returns The display.
 * @example
 * const progress = createProgress("cat.jpg", process.stderr);
 * const onProgress = (p: UploadProgress) => progress.update(p.loaded, p.total);
 * await putFile(client, "cat.jpg", path, { onProgress });
 * progress.finish();
 */
export function createProgress(
  label: string,
  stream: ProgressStream,
  now: () => number = Date.now,
): Progress {
  const started = now();
  let loaded = 0;
  let total: number | undefined;
  let drawnAt = Number.NEGATIVE_INFINITY;
  let drawn = false;
  let stale = false;
  let lastStep = 0;

  const rate = () => {
    const seconds = (now() - started) / 1000;
    return seconds > 0 ? `${formatBytes(Math.round(loaded / seconds))}/s` : "";
  };

  const drawBar = () => {
    const width = (stream.columns || 80) - 1;
    const amounts =
      total === undefined ? formatBytes(loaded) : `${formatBytes(loaded)} / ${formatBytes(total)}`;
    const tail = [percentOf(loaded, total), amounts, rate()].filter(Boolean).join("  ");
    const name = label.length > 30 ? `…${label.slice(-29)}` : label;
    // The bar keeps its width as the numbers after it grow.
    const barWidth = Math.min(30, width - name.length - Math.max(tail.length, 40) - 4);
    let bar = "";
    if (barWidth >= 5) {
      const done = total === undefined ? 0 : fraction(loaded, total);
      const filled = Math.round(barWidth * done);
      bar = ` [${"#".repeat(filled)}${"-".repeat(barWidth - filled)}]`;
    }
    stream.write(`\r${`${name}${bar} ${tail}`.slice(0, width)}\x1b[K`);
    drawn = true;
    stale = false;
    drawnAt = now();
  };

  const printLine = () => {
    if (total === undefined) {
      if (now() - drawnAt < lineMs) return;
      stream.write(`${label}: ${formatBytes(loaded)} sent\n`);
      drawnAt = now();
      return;
    }
    const step = Math.floor(fraction(loaded, total) * 10);
    if (step <= lastStep) return;
    lastStep = step;
    stream.write(`${label}: ${step * 10}% (${formatBytes(loaded)} of ${formatBytes(total)})\n`);
  };

  return {
    update(nextLoaded, nextTotal) {
      loaded = nextLoaded;
      total = nextTotal;
      if (!stream.isTTY) return printLine();
      stale = true;
      const complete = total !== undefined && loaded >= total;
      if (complete || now() - drawnAt >= redrawMs) drawBar();
    },
    finish() {
      if (!stream.isTTY) return;
      if (stale) drawBar();
      if (drawn) stream.write("\n");
      drawn = false;
    },
  };
}

function fraction(loaded: number, total: number): number {
  return total <= 0 ? 1 : Math.min(1, loaded / total);
}

function percentOf(loaded: number, total: number | undefined): string {
  return total === undefined ? "" : `${Math.floor(fraction(loaded, total) * 100)}%`.padStart(4);
}
