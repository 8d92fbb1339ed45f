/**
 * The page and the chart that `bench/run.ts` writes: docs/benchmarks.md (a table, each goal beside
 * its figure) and docs/benchmarks.svg (a bar per row: how many times better than the peer qiniu-kit
 * is, on a log scale, with the row's goal marked).
 */

/** One row of the table, one bar of the chart. */
export interface Row {
  /** What is measured, in a few words, for the table. */
  what: string;
  /** More about it, under the table. */
  note?: string | undefined;
  /** The same, short enough for the chart. */
  label: string;
  /** qiniu-kit's figure, as text. */
  ours: string;
  /** The figure it is compared with, as text. */
  peer: string;
  /** The ratio as the goal states it ("1.12× faster", "0.41× the peer's RSS"). */
  figure: string;
  /** How many times better than the peer qiniu-kit is: above 1 it is ahead. */
  advantage: number;
  /** What the advantage counts, after "N×" on the chart: "faster", "less memory" … */
  better: string;
  /** The advantage the goal asks for; absent for a row shown for reference. */
  goal: number | undefined;
  goalText: string;
  /** Whether the goal is met; absent for a row shown for reference. */
  met: boolean | undefined;
}

/** Where and with what the figures were obtained. */
export interface Setting {
  date: string;
  machine: string;
  versions: string;
  /** How the figures were obtained: one item per line. */
  method: string[];
  /** The figures of every run, for whoever wants more than the medians. */
  runs: string[];
}

/** "✅ met", "❌ missed" or "—". */
function verdict(row: Row): string {
  if (row.met === undefined) return "— (reference)";
  return row.met ? "✅ met" : "❌ **missed**";
}

function cell(text: string): string {
  return text.replaceAll("|", "\\|");
}

/**
 * Wraps prose at 100 columns, the width of every page of the docs.
 *
 * @param text - One paragraph.
 * @param first - What starts the first line ("- ", "1. " or nothing).
 * @returns The lines; those after the first are indented as deep as `first`.
 */
function wrap(text: string, first = ""): string[] {
  const indent = " ".repeat(first.length);
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(" ")) {
    const start = line === first || line === indent;
    if (!start && line.length + 1 + word.length > 100) {
      lines.push(line);
      line = indent + word;
    } else {
      line += start ? word : ` ${word}`;
    }
  }
  lines.push(line);
  return lines;
}

/**
 * The Markdown page.
 *
 * @param rows - The rows of the table.
 * @param setting - The machine, the versions, the method and the runs.
 * @returns The text of docs/benchmarks.md.
 */
export function benchmarkPage(rows: readonly Row[], setting: Setting): string {
  // The table, each row's note numbered below it.
  const notes: string[] = [];
  const table = [
    "| What | qiniu-kit | `qiniu` | Figure | Goal | Verdict |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows.map((row) => {
      if (row.note !== undefined) notes.push(row.note);
      const what = row.note === undefined ? row.what : `${row.what} (${notes.length})`;
      const cells = [what, row.ours, row.peer, row.figure, row.goalText, verdict(row)];
      return `| ${cells.map(cell).join(" | ")} |`;
    }),
  ];
  const missed = rows.filter((row) => row.met === false).length;
  const met = rows.filter((row) => row.met === true).length;

  return [
    "# Benchmarks",
    "",
    ...wrap(
      "qiniu-kit measured against the official [`qiniu`](https://www.npmjs.com/package/qiniu) " +
        "package, in one run, against the same local emulator. This page is written by " +
        "`npm run bench` (`bench/run.ts`); run it again to check the figures on your machine.",
    ),
    "",
    ...wrap(`Date: ${setting.date}`, "- "),
    ...wrap(`Machine: ${setting.machine}`, "- "),
    ...wrap(`Versions: ${setting.versions}`, "- "),
    "",
    "![How many times better than the peer qiniu-kit is, row by row](benchmarks.svg)",
    "",
    `${met} goals met, ${missed} missed.`,
    "",
    ...table,
    "",
    ...notes.flatMap((note, i) => wrap(note, `${i + 1}. `)),
    "",
    "## How",
    "",
    ...setting.method.flatMap((line) => wrap(line, "- ")),
    "",
    "## Every run",
    "",
    "```",
    ...setting.runs,
    "```",
    "",
  ].join("\n");
}

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** Tick values of a log axis: 1, 2 and 5 times the powers of ten between two bounds. */
function ticks(low: number, high: number): number[] {
  const values: number[] = [];
  for (let power = Math.floor(Math.log10(low)); power <= Math.ceil(Math.log10(high)); power++) {
    for (const step of [1, 2, 5]) {
      const value = step * 10 ** power;
      if (value >= low * 0.999 && value <= high * 1.001) values.push(value);
    }
  }
  return values;
}

function times(value: number): string {
  if (value >= 10) return `${value.toFixed(0)}×`;
  if (value >= 1) return `${value.toFixed(2).replace(/0$/, "")}×`;
  return `${value.toPrecision(2)}×`;
}

/**
 * The bar chart: one bar per row from 1× (the peer) to qiniu-kit's advantage, on a log scale,
 * green where the goal is met, red where it is missed, grey for a reference row; the goal as a
 * dark mark across the row.
 *
 * @param rows - The rows of the table.
 * @param caption - A line under the title (the date and the machine).
 * @returns The text of docs/benchmarks.svg.
 */
export function benchmarkChart(rows: readonly Row[], caption: string): string {
  const labelWidth = 290;
  const plotWidth = 420;
  const rowHeight = 30;
  const top = 62;
  const width = labelWidth + plotWidth + 110;
  const height = top + rows.length * rowHeight + 48;

  // The axis: from below the smallest figure or goal to above the largest, 1× always inside.
  const figures = rows.flatMap((row) => [row.advantage, row.goal ?? 1]);
  const lowest = ticks(0.01, 1).filter((tick) => tick <= Math.min(0.5, ...figures) / 1.2);
  const highest = ticks(1, 10_000).filter((tick) => tick >= Math.max(2, ...figures) * 1.2);
  const low = lowest.at(-1) ?? 0.5;
  const high = highest[0] ?? 10_000;
  const x = (value: number) =>
    labelWidth +
    ((Math.log(Math.min(Math.max(value, low), high)) - Math.log(low)) /
      (Math.log(high) - Math.log(low))) *
      plotWidth;
  const plotBottom = top + rows.length * rowHeight;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, ` +
      `Helvetica, Arial, sans-serif" font-size="12" role="img">`,
    "<title>qiniu-kit against the official qiniu SDK: ratios to the peer</title>",
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="600">qiniu-kit against the official ` +
      `qiniu SDK: how many times better</text>`,
    `<text x="12" y="40" fill="#555">${escapeXml(caption)}</text>`,
  ];

  // Grid lines and their values; 1× (the peer) stronger.
  for (const tick of ticks(low, high)) {
    const at = x(tick).toFixed(1);
    const stroke = tick === 1 ? 'stroke="#333" stroke-width="1.5"' : 'stroke="#ddd"';
    parts.push(`<line x1="${at}" y1="${top - 6}" x2="${at}" y2="${plotBottom}" ${stroke}/>`);
    parts.push(
      `<text x="${at}" y="${plotBottom + 16}" text-anchor="middle" fill="#555">` +
        `${times(tick)}</text>`,
    );
  }
  parts.push(
    `<text x="${labelWidth + plotWidth / 2}" y="${plotBottom + 34}" text-anchor="middle" ` +
      `fill="#555">log scale; 1× = the peer; right of it qiniu-kit is ahead; ` +
      `▮ goal</text>`,
  );

  // A bar per row, its figure, and its goal.
  rows.forEach((row, index) => {
    const y = top + index * rowHeight;
    const middle = y + rowHeight / 2;
    const color = row.met === undefined ? "#8a8a8a" : row.met ? "#2e7d32" : "#c62828";
    const from = Math.min(x(1), x(row.advantage));
    const to = Math.max(x(1), x(row.advantage));
    parts.push(
      `<text x="${labelWidth - 10}" y="${middle + 4}" text-anchor="end">` +
        `${escapeXml(row.label)}</text>`,
    );
    parts.push(
      `<rect x="${from.toFixed(1)}" y="${y + 7}" width="${Math.max(1, to - from).toFixed(1)}" ` +
        `height="${rowHeight - 14}" fill="${color}"/>`,
    );
    const mark = row.met === undefined ? "" : row.met ? " — met" : " — MISSED";
    const after = Math.max(to, row.goal === undefined ? 0 : x(row.goal) + 2);
    parts.push(
      `<text x="${(after + 6).toFixed(1)}" y="${middle + 4}" fill="${color}" ` +
        `font-weight="600">${times(row.advantage)} ${escapeXml(row.better)}${mark}</text>`,
    );
    if (row.goal !== undefined) {
      const at = x(row.goal).toFixed(1);
      parts.push(
        `<rect x="${(Number(at) - 1.5).toFixed(1)}" y="${y + 3}" width="3" ` +
          `height="${rowHeight - 6}" fill="#111"><title>goal ${times(row.goal)}</title></rect>`,
      );
    }
  });

  parts.push("</svg>", "");
  return parts.join("\n");
}
