import { rmSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import type { Plugin } from "esbuild";
import { defineConfig, type Options } from "tsup";

// The builds below write to the same directory at the same time, so it is emptied here, once.
rmSync("dist", { recursive: true, force: true });

/**
 * Keeps one output module per source module: every file is an entry, and its relative imports
 * stay imports (`./x.ts` becomes `./x.js`). With `"sideEffects": false`, a bundler then drops
 * whole modules it does not need.
 */
const preserveModules: Plugin = {
  name: "preserve-modules",
  setup(build) {
    build.onResolve({ filter: /^\.{1,2}\// }, (args) => {
      if (args.kind === "entry-point") return undefined;
      return { path: args.path.replace(/\.ts$/, ".js"), external: true };
    });
  },
};

/** Makes the compat entry import the package's public entry instead of holding a copy of it. */
const overPublicApi: Plugin = {
  name: "over-public-api",
  setup(build) {
    build.onResolve({ filter: /^\.{1,2}\// }, (args) => {
      if (args.kind === "entry-point") return undefined;
      const target = relative("src/compat", resolve(dirname(args.importer), args.path));
      return target.startsWith("..") ? { path: "qiniu-kit", external: true } : undefined;
    });
  },
};

/**
 * Signs in plain TypeScript in the build for Node, Deno and Bun: `hmacSha1.plain.ts` in place of
 * `hmacSha1.ts`, whose Web Crypto calls cost those runtimes a trip to another thread per
 * request. Browsers and workers keep the Web Crypto one, which is smaller.
 */
const plainHmac: Plugin = {
  name: "plain-hmac",
  setup(build) {
    build.onResolve({ filter: /\/hmacSha1\.ts$/ }, (args) => ({
      path: resolve(args.resolveDir, args.path.replace(/\.ts$/, ".plain.ts")),
    }));
  },
};

/** zod's notice, which its MIT License asks copies to keep. */
const zodNotice =
  "// Parts of zod (https://zod.dev) are compiled into this build. " +
  "zod: MIT License, Copyright (c) 2025 Colin McDonnell.";

const common: Options = {
  format: ["esm"],
  platform: "neutral",
  target: "es2022",
  sourcemap: false,
  clean: false,
  removeNodeProtocol: false,
  external: [/^node:/, "zod", "qiniu-kit"],
};

export default defineConfig([
  {
    // Node, Deno and Bun: one module, so that an import reads one file. Each response schema
    // (and zod with it) stays a chunk of its own, imported when first needed.
    ...common,
    entry: { index: "src/index.ts" },
    bundle: true,
    splitting: true,
    // The parts of zod that the schemas use are compiled in: one chunk to read on first use,
    // where importing zod/mini would read its hundred modules, every locale included.
    external: [/^node:/, "qiniu-kit"],
    noExternal: ["zod"],
    esbuildPlugins: [plainHmac],
    banner: { js: zodNotice },
    // Every entry's declarations, built together so that they share their common types.
    dts: {
      entry: {
        index: "src/index.ts",
        "compat/index": "src/compat/index.ts",
        "emulator/index": "src/emulator/index.ts",
      },
    },
  },
  {
    // The emulator and the command line, which run on Node only: bundled, like the entry of
    // Node, so that they sign in plain TypeScript and start by reading a few files.
    ...common,
    entry: { "emulator/index": "src/emulator/index.ts", "cli/main": "src/cli/main.ts" },
    bundle: true,
    splitting: true,
    external: [/^node:/, "qiniu-kit"],
    noExternal: ["zod"],
    esbuildPlugins: [plainHmac],
    esbuildOptions(options) {
      // What the two share, and the commands the command line loads when run.
      options.chunkNames = "chunks/[name]-[hash]";
    },
    banner: { js: zodNotice },
  },
  {
    // Browsers and workers: a module per source module, so that a bundle of one operation
    // holds only what that operation needs.
    ...common,
    entry: [
      "src/**/*.ts",
      "!src/index.ts",
      "!src/**/*.plain.ts",
      "!src/compat/**",
      "!src/emulator/**",
      "!src/cli/**",
    ],
    bundle: true,
    splitting: false,
    esbuildPlugins: [preserveModules],
  },
  {
    // The classic SDK's shim: a thin layer over `qiniu-kit` itself.
    ...common,
    entry: { "compat/index": "src/compat/index.ts" },
    bundle: true,
    splitting: false,
    esbuildPlugins: [overPublicApi],
  },
]);
