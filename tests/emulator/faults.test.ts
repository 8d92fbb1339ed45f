import { request } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../src/emulator/index.ts";
import { b64, formUpload, manage, token } from "./helpers.ts";

let emulator: Emulator;
const statPath = `/stat/${b64("faults:a.txt")}`;

beforeAll(async () => {
  emulator = await startEmulator({
    buckets: ["faults"],
    faults: [{ route: "uc.query", status: 502, times: 1 }],
  });
  await formUpload(
    emulator,
    { token: await token(emulator, { scope: "faults" }), key: "a.txt" },
    { bytes: "a" },
  );
});

afterAll(async () => {
  await emulator.stop();
});

beforeEach(() => {
  emulator.clearFaults();
  emulator.resetStats();
});

describe("fault injection", () => {
  it("applies the faults given at start", async () => {
    const fresh = await startEmulator({ faults: [{ route: "uc.query", status: 502, times: 1 }] });
    try {
      expect((await fetch(`${fresh.url}/v4/query?bucket=x`)).status).toBe(502);
      expect((await fetch(`${fresh.url}/v4/query?bucket=x`)).status).toBe(200);
    } finally {
      await fresh.stop();
    }
  });

  it("answers a status the given number of times, with Retry-After", async () => {
    emulator.addFault({ route: "rs.stat", status: 573, times: 2, retryAfter: 3 });
    const first = await manage(emulator, statPath, { method: "GET" });
    expect(first.status).toBe(573);
    expect(first.headers.get("retry-after")).toBe("3");
    expect(first.json.error).toContain("573");
    expect((await manage(emulator, statPath, { method: "GET" })).status).toBe(573);
    expect((await manage(emulator, statPath, { method: "GET" })).status).toBe(200);
  });

  it("matches route prefixes, hosts and probability", async () => {
    emulator.addFault({ route: "rs.*", status: 599, hosts: [emulator.hosts[1]!] });
    expect((await manage(emulator, statPath, { method: "GET" })).status).toBe(200);
    const viaLocalhost = await fetch(`http://${emulator.hosts[1]}${statPath}`);
    expect(viaLocalhost.status).toBe(599);
    emulator.clearFaults();

    emulator.addFault({ route: "*", status: 500, probability: 0 });
    expect((await manage(emulator, statPath, { method: "GET" })).status).toBe(200);
  });

  it("sends a body as given, such as malformed JSON with a 200", async () => {
    emulator.addFault({ route: "rs.stat", body: '{"fsize": ', times: 1 });
    const answer = await manage(emulator, statPath, { method: "GET" });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('{"fsize": ');
    expect(answer.json).toBeUndefined();
  });

  it("delays the answer, or stalls between the head and the body", async () => {
    emulator.addFault({ route: "rs.stat", delayMs: 150, times: 1 });
    let started = performance.now();
    expect((await manage(emulator, statPath, { method: "GET" })).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);

    emulator.addFault({ route: "io.download", stallMs: 400, times: 1 });
    started = performance.now();
    const stalled = await fetch(`${emulator.url}/faults/a.txt`);
    const headAt = performance.now() - started;
    expect(await stalled.text()).toBe("a");
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    expect(headAt).toBeLessThan(300);
  });

  it("resets the connection after some bytes of the body, storing nothing", async () => {
    emulator.addFault({ route: "up.form", resetAfterBytes: 1000, times: 1 });
    const upload = await token(emulator, { scope: "faults" });
    const attempt = formUpload(
      emulator,
      { token: upload, key: "reset.bin" },
      { bytes: new Uint8Array(100_000) },
    );
    await expect(attempt).rejects.toThrow();
    const stat = await manage(emulator, `/stat/${b64("faults:reset.bin")}`, { method: "GET" });
    expect(stat.status).toBe(612);
    const stats = emulator.stats()["up.form"]!;
    expect(stats.statuses).toEqual({ 0: 1 });
    expect(stats.bytesReceived).toBeGreaterThanOrEqual(1000);
    expect(stats.bytesReceived).toBeLessThan(100_000);

    const retried = await formUpload(
      emulator,
      { token: upload, key: "reset.bin" },
      { bytes: new Uint8Array(10) },
    );
    expect(retried.status).toBe(200);
  });

  it("is driven over HTTP by the admin routes", async () => {
    const admin = `${emulator.url}/__emulator`;
    const added = await fetch(`${admin}/faults`, {
      method: "POST",
      body: JSON.stringify({ route: "rs.stat", status: 503, times: 1 }),
    });
    expect(added.status).toBe(200);
    expect(await (await fetch(`${admin}/faults`)).json()).toEqual([
      { route: "rs.stat", status: 503, times: 1, remaining: 1 },
    ]);
    expect((await manage(emulator, statPath, { method: "GET" })).status).toBe(503);

    const stats = await (await fetch(`${admin}/stats`)).json();
    expect(stats["rs.stat"].statuses).toEqual({ 503: 1 });
    const records = await (await fetch(`${admin}/requests`)).json();
    expect(records.at(-1).url).toBe(statPath);

    const invalid = await fetch(`${admin}/faults`, {
      method: "POST",
      body: '{"route":"x","status":42}',
    });
    expect(invalid.status).toBe(400);
    await fetch(`${admin}/faults`, { method: "POST", body: '{"route":"rs.stat","status":500}' });
    expect((await fetch(`${admin}/reset`, { method: "POST" })).status).toBe(200);
    expect((await manage(emulator, statPath, { method: "GET" })).status).toBe(200);
    expect(await (await fetch(`${admin}/faults`)).json()).toEqual([]);
    expect(Object.keys(await (await fetch(`${admin}/stats`)).json())).toEqual(["rs.stat"]);
    const info = await (await fetch(admin)).json();
    expect(info).toMatchObject({ url: emulator.url, accessKey: emulator.accessKey });
    expect(JSON.stringify(info)).not.toContain(emulator.secretKey);
  });

  it("rejects an invalid rule from addFault", () => {
    expect(() => emulator.addFault({ route: "" })).toThrow();
  });

  it("resets a request without a body when asked for 0 bytes", async () => {
    emulator.addFault({ route: "uc.query", resetAfterBytes: 0, times: 1 });
    const outcome = await new Promise<string>((resolve) => {
      const req = request(`${emulator.url}/v4/query?bucket=faults`, (res) =>
        resolve(`status ${res.statusCode}`),
      );
      req.on("error", (error) => resolve(error.message));
      req.end();
    });
    expect(outcome).toMatch(/socket hang up|ECONNRESET/);
  });
});
