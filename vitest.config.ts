import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Every request any emulator records is checked for its secret key.
    setupFiles: ["tests/reliability/secretsSetup.ts"],
    // Concurrent tests (the fault matrix) mostly wait on timers: let more of them wait at once.
    maxConcurrency: 10,
  },
});
