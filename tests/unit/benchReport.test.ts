import { describe, expect, it } from "vitest";
import { benchmarkChart, benchmarkPage, type Row, type Setting } from "../../bench/report.ts";

const met: Row = {
  what: "cold import",
  note: "Wall time of `node -e 'import(\"qiniu-kit\")'` against the same for the official package.",
  label: "cold import",
  ours: "72 ms",
  peer: "134 ms",
  figure: "1.83× faster",
  advantage: 1.83,
  better: "faster",
  goal: 1,
  goalText: "ahead of the peer (> 1×)",
  met: true,
};

const missed: Row = {
  what: "1000 stats",
  label: "1000 stats <16 at a time>",
  ours: "1239 ops/s",
  peer: "1610 ops/s",
  figure: "0.79× the peer's ops/s",
  advantage: 0.79,
  better: "the ops/s",
  goal: 1.5,
  goalText: "≥ 1.5× the peer's ops/s",
  met: false,
};

const reference: Row = {
  ...met,
  what: "etag vs the plain qetag",
  note: undefined,
  advantage: 0.42,
  goal: undefined,
  goalText: "none of its own",
  met: undefined,
};

const setting: Setting = {
  date: "2026-12-03 18:03 UTC",
  machine: `${"A long description of a machine ".repeat(6)}(a shared machine)`,
  versions: "Node 20.20.2; qiniu 7.15.2",
  method: ["Every measurement runs in a fresh process. ".repeat(5)],
  runs: ["1000 stats, ours: 1236, 1264, 1239 ops/s"],
};

describe("the benchmark page", () => {
  const page = benchmarkPage([met, missed, reference], setting);
  const tableRows = page
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| ---"));

  it("shows each goal beside its figure, and a missed goal as missed", () => {
    expect(tableRows).toHaveLength(4);
    expect(tableRows[1]).toContain("| 1.83× faster | ahead of the peer (> 1×) | ✅ met |");
    expect(tableRows[2]).toContain("| 0.79× the peer's ops/s | ≥ 1.5× the peer's ops/s |");
    expect(tableRows[2]).toContain("missed");
    expect(tableRows[3]).toContain("reference");
    expect(page).toContain("1 goals met, 1 missed.");
  });

  it("states the date, the machine and the versions, and numbers the notes", () => {
    expect(page).toContain("- Date: 2026-12-03 18:03 UTC");
    expect(page).toContain("(a shared machine)");
    expect(page).toContain("Node 20.20.2; qiniu 7.15.2");
    expect(tableRows[1]).toContain("cold import (1)");
    expect(page).toMatch(/^1\. Wall time of/m);
  });

  it("wraps its prose at 100 columns", () => {
    const prose = page
      .split("\n")
      .filter((line) => !line.startsWith("| ") && !line.startsWith("!["));
    expect(Math.max(...prose.map((line) => line.length))).toBeLessThanOrEqual(100);
    expect(prose.filter((line) => line.startsWith("  ")).length).toBeGreaterThan(0);
  });
});

describe("the benchmark chart", () => {
  const chart = benchmarkChart([met, missed, reference], "2026-12-03; 2 cores");

  it("draws a bar per row, coloured by its verdict, with a goal mark where there is a goal", () => {
    expect(chart.match(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="16"/g)).toHaveLength(3);
    expect(chart).toContain('fill="#2e7d32"');
    expect(chart).toContain('fill="#c62828"');
    expect(chart).toContain('fill="#8a8a8a"');
    expect(chart.match(/<title>goal /g)).toHaveLength(2);
    expect(chart).toContain("0.79× the ops/s — MISSED");
    expect(chart).toContain("1.83× faster — met");
  });

  it("escapes its text and puts 1× (the peer) on the axis", () => {
    expect(chart).toContain("1000 stats &lt;16 at a time&gt;");
    expect(chart).toMatch(/>1\.0×<\/text>/);
    expect(chart.startsWith("<svg")).toBe(true);
    expect(chart.trim().endsWith("</svg>")).toBe(true);
  });
});
