import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { startEmulator } from "../../src/emulator/index.ts";
import { behaviourChecks, packageRoot, run, runBehaviour, summary } from "./runBehaviour.ts";

describe("the built package on Node", () => {
  it("passes the behaviour suite against the emulator", async () => {
    const result = await runBehaviour(process.execPath, []);
    const output = result.stdout + result.stderr;
    expect(output).toContain(`# node ${process.versions.node}`);
    expect(summary(output), output).toEqual({ passed: behaviourChecks, failed: 0 });
    expect(result.code, output).toBe(0);
  });

  it("reads one file at import: Node's modules, zod and the schemas load on first use", () => {
    // What `import "qiniu-kit"` reads is dist/index.js and what it imports statically: nothing.
    const code = readFileSync(resolve(packageRoot, "dist/index.js"), "utf8");
    const statics = [...code.matchAll(/^import\s[^;]*?from\s*"([^"]+)";?$/gm)].map((m) => m[1]);
    expect(statics).toEqual([]);

    // The rest is imported when needed: chunks of the package (the schemas), node:*.
    const onDemand = [...code.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1]!);
    const chunks = onDemand.filter((specifier) => specifier.startsWith("./"));
    expect(onDemand.filter((specifier) => !specifier.startsWith("./"))).toEqual(
      expect.arrayContaining(["node:fs/promises", "node:path"]),
    );
    for (const chunk of chunks) {
      expect(existsSync(resolve(packageRoot, "dist", chunk)), chunk).toBe(true);
    }
    expect(chunks.some((chunk) => chunk.includes("statSchema"))).toBe(true);

    // The parts of zod that the schemas use are compiled into a chunk of the package, so that
    // Node reads one file for them rather than zod's hundred modules, every locale included.
    const schemaCode = chunks.map((chunk) =>
      readFileSync(resolve(packageRoot, "dist", chunk), "utf8"),
    );
    expect(schemaCode.filter((text) => /from\s*"zod/.test(text))).toEqual([]);
    const shared = new Set(
      schemaCode.flatMap((text) =>
        [...text.matchAll(/from\s*"(\.\/chunk-[^"]+)"/g)].map((m) => m[1]!),
      ),
    );
    const zodChunks = [...shared].filter((chunk) =>
      readFileSync(resolve(packageRoot, "dist", chunk), "utf8").includes("function looseObject("),
    );
    expect(zodChunks).toHaveLength(1);
    expect(readFileSync(resolve(packageRoot, "dist", zodChunks[0]!), "utf8")).not.toMatch(
      /locales\/(de|fr|zh-CN)/,
    );
  });

  it("signs in plain TypeScript, not through Web Crypto, which browsers' modules keep", () => {
    // The build swaps hmacSha1.ts for hmacSha1.plain.ts in the entry of Node, Deno and Bun.
    const node = readFileSync(resolve(packageRoot, "dist/index.js"), "utf8");
    expect(node).toContain("function hmacSha1Key(");
    expect(node).not.toContain("importKey");
    const browser = readFileSync(resolve(packageRoot, "dist/auth/credentials.js"), "utf8");
    expect(browser).toMatch(/from\s*"\.\/hmacSha1\.js"/);
    const web = readFileSync(resolve(packageRoot, "dist/auth/hmacSha1.js"), "utf8");
    expect(web).toContain("importKey");
  });

  it("serves qiniu-kit/compat on top of the package's own entry", async () => {
    const emulator = await startEmulator({ buckets: ["classic"] });
    try {
      const script = `
        import qiniu from "qiniu-kit/compat";
        qiniu.conf.ACCESS_KEY = process.env.AK;
        qiniu.conf.SECRET_KEY = process.env.SK;
        qiniu.conf.UC_HOST = process.env.URL;
        const rs = new qiniu.rs.Service(new qiniu.digestauth.Client(), "classic");
        rs.stat("never-written.txt", (resp) => console.log(JSON.stringify(resp)));
      `;
      const result = await run(process.execPath, ["--input-type=module", "-e", script], {
        AK: emulator.accessKey,
        SK: emulator.secretKey,
        URL: emulator.url,
      });
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ code: 612 });
    } finally {
      await emulator.stop();
    }
  });
});
