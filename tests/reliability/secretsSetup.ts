import { afterAll, afterEach, expect, vi } from "vitest";
import { takeLeaks } from "./secretGuard.ts";

// Every emulator started in any test file has each request it records checked for its secret
// key (see secretGuard.ts); a test during which one leaked fails, and so does the file for a
// leak in its hooks.
vi.mock(import("../../src/emulator/server.ts"), async (importOriginal) => {
  const server = await importOriginal();
  const { Recorder } = await import("../../src/emulator/stats.ts");
  const guard = await import("./secretGuard.ts");

  // Each record is checked as it is kept; `stats()` tells which recorder an emulator uses.
  const record = Recorder.prototype.record;
  const stats = Recorder.prototype.stats;
  let asked: object | undefined;
  Recorder.prototype.record = function (this: InstanceType<typeof Recorder>, request) {
    record.call(this, request);
    guard.onRecorded(this, request);
  };
  Recorder.prototype.stats = function (this: InstanceType<typeof Recorder>) {
    asked = this;
    return stats.call(this);
  };

  const recorderOf = (emulator: { stats(): unknown }): object => {
    asked = undefined;
    emulator.stats();
    const found: object | undefined = asked;
    if (found === undefined) throw new Error("the secret guard found no recorder to watch");
    return found;
  };

  return {
    ...server,
    startEmulator: async (...args: Parameters<typeof server.startEmulator>) => {
      const emulator = await server.startEmulator(...args);
      guard.watchRecorder(recorderOf(emulator), emulator.secretKey);
      return emulator;
    },
  };
});

afterEach(() => {
  expect(takeLeaks(), "requests that carried the emulator's secret key").toEqual([]);
});

afterAll(() => {
  expect(takeLeaks(), "requests that carried the emulator's secret key").toEqual([]);
});
