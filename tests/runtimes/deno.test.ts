import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  behaviourChecks,
  binary,
  packageRoot,
  run,
  runBehaviour,
  summary,
} from "./runBehaviour.ts";

// Deno reads package.json: with `--node-modules-dir=manual` it resolves `qiniu-kit` (the package
// naming itself) through the `exports` map and `zod` from node_modules, as `npm ci` left them.
const denoEnv = { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };

describe("the built package on Deno", () => {
  it("passes the behaviour suite against the emulator", async () => {
    const result = await runBehaviour(binary("deno"), [
      "run",
      "--node-modules-dir=manual",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-write",
      "--no-prompt",
    ]);
    const output = result.stdout + result.stderr;
    expect(output).toMatch(/^# deno \d+\.\d+/m);
    expect(summary(output), output).toEqual({ passed: behaviourChecks, failed: 0 });
    expect(result.code, output).toBe(0);
  });
});

describe("the sources for Deno and JSR", () => {
  const jsr = JSON.parse(readFileSync(resolve(packageRoot, "jsr.json"), "utf8")) as {
    name: string;
    version: string;
    exports: Record<string, string>;
  };
  const entryPoints = Object.values(jsr.exports);
  // The browser entry is not published to JSR (JSR has no export conditions), but is checked.
  const checked = [...entryPoints, "./src/index.browser.ts"];

  it("type-check with deno check, entry point by entry point", async () => {
    const args = ["check", "--node-modules-dir=manual", ...checked];
    const result = await run(binary("deno"), args, denoEnv, 120_000);
    const output = result.stdout + result.stderr;
    for (const entry of checked) expect(output).toContain(`Check ${entry.slice(2)}`);
    expect(result.code, output).toBe(0);
  });

  it("are described by jsr.json: the package's version, and entry points that exist", () => {
    const pkg = JSON.parse(readFileSync(resolve(packageRoot, "package.json"), "utf8"));
    expect(jsr.name).toMatch(/^@[a-z0-9-]+\/qiniu-kit$/);
    expect(jsr.version).toBe(pkg.version);
    expect(Object.keys(jsr.exports)).toEqual([".", "./compat", "./emulator"]);
    for (const entry of entryPoints) expect(existsSync(resolve(packageRoot, entry))).toBe(true);
  });

  it("would publish to JSR as they are (deno publish --dry-run)", async () => {
    const args = ["publish", "--dry-run", "--allow-dirty", "--node-modules-dir=manual"];
    const result = await run(binary("deno"), args, denoEnv, 120_000);
    const output = result.stdout + result.stderr;
    expect(output).toContain("Dry run complete");
    expect(result.code, output).toBe(0);
  });
});
