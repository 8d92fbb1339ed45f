import { describe, expect, it } from "vitest";
import { behaviourChecks, binary, runBehaviour, summary } from "./runBehaviour.ts";

describe("the built package on Bun", () => {
  it("passes the behaviour suite against the emulator", async () => {
    const result = await runBehaviour(binary("bun"), ["run"]);
    const output = result.stdout + result.stderr;
    expect(output).toMatch(/^# bun \d+\.\d+/m);
    expect(summary(output), output).toEqual({ passed: behaviourChecks, failed: 0 });
    expect(result.code, output).toBe(0);
  });
});
