import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/client.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import type { Emulator } from "../../src/emulator/types.ts";
import { stat } from "../../src/objects/stat.ts";
import { put } from "../../src/upload/put.ts";
import { checkedRequests, takeLeaks } from "./secretGuard.ts";

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ buckets: ["bkt"] });
});
afterAll(() => emulator.stop());

describe("the secret key guard", () => {
  it("checks every request an emulator records, even those resetStats forgets", async () => {
    const client = createClient({
      accessKey: emulator.accessKey,
      secretKey: emulator.secretKey,
      bucket: "bkt",
      ucHost: emulator.url,
    });
    const before = checkedRequests();
    expect((await put(client, "guarded.txt", "guarded")).ok).toBe(true);
    const sent = emulator.requests().length;
    emulator.resetStats();
    expect((await stat(client, "guarded.txt")).ok).toBe(true);
    expect(checkedRequests() - before).toBe(sent + 1);
  });

  it("finds the secret in a URL, a header or a body, as sent or in base64", async () => {
    const secret = emulator.secretKey;
    const hidden = Buffer.from(`{"note":"${secret}"}`).toString("base64url");
    await fetch(`${emulator.url}/stat/x?debug=${encodeURIComponent(secret)}`);
    await fetch(`${emulator.url}/stat/x`, { headers: { "X-Debug": secret } });
    await fetch(`${emulator.url}/batch`, { method: "POST", body: `op=${hidden}` });
    const found = takeLeaks().map((leak) => [leak.route, leak.where]);
    expect(found).toEqual([
      ["rs.stat", "url"],
      ["rs.stat", "header x-debug"],
      ["rs.batch", "body"],
    ]);
  });

  it("does not take another key for the emulator's", async () => {
    await fetch(`${emulator.url}/stat/x`, { headers: { "X-Debug": "not-the-secret" } });
    expect(takeLeaks()).toEqual([]);
  });
});
