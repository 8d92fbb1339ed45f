import { describe, expect, it } from "vitest";
import { compareKeys } from "../../src/emulator/catalog.ts";

describe("compareKeys", () => {
  it("sorts keys by code point, as their UTF-8 bytes sort", () => {
    const keys = ["b", "\u{1F600}", "\uFF5E", "a/b", "a", "é", "a0"];
    const byBytes = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...keys].sort(compareKeys)).toEqual(byBytes);
    expect(byBytes.indexOf("\uFF5E")).toBeLessThan(byBytes.indexOf("\u{1F600}"));
  });

  it("puts a key before the longer keys it begins", () => {
    expect(compareKeys("a", "ab")).toBeLessThan(0);
    expect(compareKeys("ab", "a")).toBeGreaterThan(0);
    expect(compareKeys("same", "same")).toBe(0);
  });
});
