import { describe, expect, it } from "vitest";
import { createProgress } from "../../src/cli/progress.ts";

/** A stream that records what is written, and a clock the test moves. */
function setup(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  let time = 0;
  const stream = { isTTY, columns, write: (text: string) => writes.push(text) };
  return {
    writes,
    stream,
    tick: (ms: number) => {
      time += ms;
    },
    now: () => time,
  };
}

const MiB = 1024 * 1024;

describe("createProgress", () => {
  it("prints a plain line at each tenth of the total when not on a terminal", () => {
    const { writes, stream, now } = setup(false);
    const progress = createProgress("cat.jpg", stream, now);
    for (let loaded = 0; loaded <= 10 * MiB; loaded += MiB / 4) progress.update(loaded, 10 * MiB);
    progress.finish();
    expect(writes).toHaveLength(10);
    expect(writes[0]).toBe("cat.jpg: 10% (1.0 MiB of 10.0 MiB)\n");
    expect(writes[9]).toBe("cat.jpg: 100% (10.0 MiB of 10.0 MiB)\n");
    expect(writes.join("")).not.toContain("\r");
  });

  it("prints a line a second when the total is unknown", () => {
    const { writes, stream, tick, now } = setup(false);
    const progress = createProgress("stdin", stream, now);
    for (let i = 1; i <= 25; i++) {
      progress.update(i * MiB, undefined);
      tick(100);
    }
    expect(writes).toEqual([
      "stdin: 1.0 MiB sent\n",
      "stdin: 11.0 MiB sent\n",
      "stdin: 21.0 MiB sent\n",
    ]);
  });

  it("redraws a bar in place on a terminal, at most every 100 ms, and ends the line", () => {
    const { writes, stream, tick, now } = setup(true, 100);
    const progress = createProgress("video.mp4", stream, now);
    progress.update(MiB, 4 * MiB);
    progress.update(2 * MiB, 4 * MiB);
    tick(150);
    progress.update(3 * MiB, 4 * MiB);
    tick(10);
    progress.update(4 * MiB, 4 * MiB);
    progress.finish();

    expect(writes).toHaveLength(4);
    expect(writes[0]).toBe(
      `\rvideo.mp4 [${"#".repeat(8)}${"-".repeat(22)}]  25%  1.0 MiB / 4.0 MiB\x1b[K`,
    );
    expect(writes[1]).toMatch(/ \[#{23}-{7}\] {2}75% {2}3\.0 MiB \/ 4\.0 MiB {2}20\.0 MiB\/s/);
    expect(writes[1]?.endsWith("\x1b[K")).toBe(true);
    expect(writes[2]).toMatch(/ \[#{30}\] 100% {2}4\.0 MiB \/ 4\.0 MiB/);
    expect(writes[3]).toBe("\n");
    for (const write of writes.slice(0, 3)) expect(write.length).toBeLessThanOrEqual(100 + 3);
  });

  it("draws the latest state when it finishes between two redraws", () => {
    const { writes, stream, now } = setup(true);
    const progress = createProgress("data", stream, now);
    progress.update(1, undefined);
    progress.update(5 * MiB, undefined);
    progress.finish();
    expect(writes).toHaveLength(3);
    expect(writes[1]).toMatch(/^\rdata \[-+\]\s+5\.0 MiB/);
    expect(writes[2]).toBe("\n");
  });

  it("shows a shortened label and no bar on a narrow terminal", () => {
    const { writes, stream, now } = setup(true, 50);
    const label = "photos/2024/summer/holiday/beach/sunset.jpg";
    const progress = createProgress(label, stream, now);
    progress.update(0, MiB);
    expect(writes[0]).toMatch(/^\r…mmer\/holiday\/beach\/sunset\.jpg +0%/);
    expect(writes[0]).not.toMatch(/\[[#-]/);
  });

  it("counts an empty body as done", () => {
    const { writes, stream, now } = setup(false);
    createProgress("empty.txt", stream, now).update(0, 0);
    expect(writes).toEqual(["empty.txt: 100% (0 B of 0 B)\n"]);
  });

  it("writes nothing when finished without an update", () => {
    const { writes, stream, now } = setup(true);
    createProgress("x", stream, now).finish();
    expect(writes).toEqual([]);
  });
});
