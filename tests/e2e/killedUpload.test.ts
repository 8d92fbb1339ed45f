import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { get } from "../../src/objects/get.ts";
import { download, patternBytes, startTestKodo, type TestKodo } from "../helpers/emulator.ts";
import { hashOf, MiB, routeStats } from "../helpers/uploads.ts";

const script = fileURLToPath(new URL("../helpers/putFileProcess.ts", import.meta.url));
const root = fileURLToPath(new URL("../..", import.meta.url));

let kodo: TestKodo;
let dir: string;
/** Called with each request the emulator finishes, as its log line. */
let onRequest: (line: string) => void = () => undefined;

beforeAll(async () => {
  kodo = await startTestKodo({ logRequests: (line) => onRequest(line) });
  dir = await mkdtemp(join(tmpdir(), "qiniu-kit-killed-"));
});

afterAll(async () => {
  await kodo.emulator.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Starts the uploader in a process of its own, its temporary folder (so its resume store) ours. */
function uploader(key: string, path: string): ChildProcess {
  const job = {
    url: kodo.emulator.url,
    accessKey: kodo.emulator.accessKey,
    secretKey: kodo.emulator.secretKey,
    bucket: "photos",
    key,
    path,
  };
  return spawn(process.execPath, ["--import", "tsx", script], {
    cwd: root,
    env: { ...process.env, PUT_FILE_JOB: JSON.stringify(job), TMPDIR: dir },
    stdio: ["ignore", "pipe", "inherit"],
  });
}

/** Waits for a process to end; its exit code or signal, and what it printed. */
async function ended(child: ChildProcess) {
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const [code, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
  return { code, signal, output };
}

/** Waits until the emulator has counted every request of a killed process (none for 100 ms). */
async function quiet(): Promise<void> {
  let last = -1;
  for (;;) {
    const count = routeStats(kodo.emulator, "up.v2.part").requests;
    if (count === last) return;
    last = count;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("putFile in a process killed halfway", () => {
  it("resumes in a new process, sending no more than 60 % of the bytes again", async () => {
    const total = 64 * MiB;
    const bytes = patternBytes(total, 101);
    const path = join(dir, "killed.bin");
    await writeFile(path, bytes);
    const resumeDir = join(dir, "qiniu-kit-resume");

    // Kill the uploader the moment the service has acknowledged half of its 16 parts.
    kodo.emulator.resetStats();
    const first = uploader("killed/64MiB.bin", path);
    let acknowledged = 0;
    onRequest = (line) => {
      if (!/^PUT \S+\/uploads\/\S+\/\d+ 200 /.test(line)) return;
      acknowledged += 1;
      if (acknowledged === 8) first.kill("SIGKILL");
    };
    const killed = await ended(first);
    onRequest = () => undefined;
    expect(killed.signal).toBe("SIGKILL");
    expect(killed.output).toBe("");
    await quiet();
    const firstBytes = routeStats(kodo.emulator, "up.v2.part").bytesReceived;
    expect(firstBytes).toBeGreaterThanOrEqual(total / 2);
    expect(firstBytes).toBeLessThan(total);
    expect((await readdir(resumeDir)).filter((name) => name.endsWith(".json"))).toHaveLength(1);

    // The same upload, started again, finishes with only what the service lacks.
    kodo.emulator.resetStats();
    const second = await ended(uploader("killed/64MiB.bin", path));
    expect(second.code).toBe(0);
    const outcome = JSON.parse(second.output) as { ok: boolean; hash?: string; fsize?: number };
    expect(outcome).toMatchObject({ ok: true, fsize: total, hash: await hashOf(bytes) });
    const secondBytes = routeStats(kodo.emulator, "up.v2.part").bytesReceived;
    expect(secondBytes).toBeLessThanOrEqual(0.6 * total);
    expect(routeStats(kodo.emulator, "up.v2.init").requests).toBe(0);
    expect(await readdir(resumeDir)).toEqual([]);

    const fetched = await download((await get(kodo.client, "killed/64MiB.bin")).data!.url);
    expect(Buffer.from(fetched.bytes).equals(Buffer.from(bytes))).toBe(true);
    console.log(
      `killed after ${(firstBytes / MiB).toFixed(1)} MiB received; ` +
        `the second process sent ${(secondBytes / MiB).toFixed(1)} MiB ` +
        `(${((secondBytes / total) * 100).toFixed(1)} %)`,
    );
  });
});
