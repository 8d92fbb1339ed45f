import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "index.browser": "src/index.browser.ts",
    "compat/index": "src/compat/index.ts",
    "emulator/index": "src/emulator/index.ts",
    "cli/main": "src/cli/main.ts",
  },
  format: ["esm"],
  platform: "neutral",
  target: "es2022",
  dts: { entry: ["src/index.ts", "src/compat/index.ts", "src/emulator/index.ts"] },
  splitting: true,
  treeshake: true,
  clean: true,
  sourcemap: false,
  external: [/^node:/],
});
