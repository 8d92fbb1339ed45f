import { afterEach, describe, expect, it } from "vitest";
import { createBucket } from "../../src/buckets/createBucket.ts";
import { publish } from "../../src/buckets/publish.ts";
import { type ClientOptions, createClient } from "../../src/client.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import type { Emulator, FaultRule } from "../../src/emulator/types.ts";
import type { KodoErrorCode } from "../../src/errors.ts";
import { batch } from "../../src/objects/batch.ts";
import { copyOp, moveOp, removeOp, statOp } from "../../src/objects/batchOps.ts";
import { copy } from "../../src/objects/copy.ts";
import { move } from "../../src/objects/move.ts";
import { remove } from "../../src/objects/remove.ts";
import { stat } from "../../src/objects/stat.ts";
import { put } from "../../src/upload/put.ts";
import {
  closedPort,
  expectFailure,
  failOnUnhandledRejections,
  losingFetch,
  requestsOn,
} from "./helpers.ts";

failOnUnhandledRejections();

const retries = 2;
let running: Emulator[] = [];

afterEach(async () => {
  await Promise.all(running.map((emulator) => emulator.stop()));
  running = [];
});

/** A fresh emulator with the objects `a` and `b`, and a client with quick retries. */
async function fresh(extra: Partial<ClientOptions> = {}) {
  const emulator = await startEmulator({ buckets: ["bkt"] });
  running.push(emulator);
  const options = {
    accessKey: emulator.accessKey,
    secretKey: emulator.secretKey,
    bucket: "bkt",
    ucHost: emulator.url,
  };
  const seeder = createClient(options);
  const hashes: Record<string, string> = {};
  for (const key of ["a", "b"]) {
    const uploaded = await put(seeder, key, `content of ${key}`);
    if (!uploaded.ok) throw uploaded.error;
    hashes[key] = uploaded.data.hash;
  }
  const client = createClient({
    ...options,
    timeoutMs: 1000,
    retry: { retries, baseDelayMs: 1, maxDelayMs: 5 },
    ...extra,
  });
  emulator.resetStats();
  return { emulator, client, seeder, hashes };
}

const faults: Array<{ name: string; rule: Omit<FaultRule, "route">; code: KodoErrorCode }> = [
  { name: "a 503 answer", rule: { status: 503 }, code: "server_error" },
  { name: "a reset before the body", rule: { resetAfterBytes: 0 }, code: "network_error" },
  { name: "an answer later than the timeout", rule: { delayMs: 1800 }, code: "timeout" },
];

describe("calls that are not safe to repeat", () => {
  for (const fault of faults) {
    it(`are sent once on ${fault.name}: move, copy, a batch with a move, …`, async () => {
      const { emulator, client } = await fresh();
      const routes = ["rs.move", "rs.copy", "rs.batch", "uc.mkbucket", "api.domain"];
      for (const route of routes) emulator.addFault({ route, ...fault.rule });

      const results = await Promise.all([
        move(client, "a", "moved"),
        copy(client, "a", "copied"),
        batch(client, [statOp("a"), moveOp("b", "moved-in-batch")]),
        createBucket(client, "fresh-bucket"),
        publish(client, "cdn.example.com"),
      ]);
      await emulator.stop();

      for (const result of results) {
        expectFailure(result, fault.code);
        expect(result.error?.retryable).toBe(false);
      }
      for (const route of routes) expect(requestsOn(emulator, route), route).toBe(1);
    });
  }

  it("differ from a copy with force and a batch of stats, which are repeated", async () => {
    const { emulator, client } = await fresh();
    for (const route of ["rs.copy", "rs.batch"]) emulator.addFault({ route, status: 503 });

    const copied = await copy(client, "a", "copied", { force: true });
    const batched = await batch(client, [
      statOp("a"),
      removeOp("b"),
      copyOp("a", "c", { force: true }),
    ]);
    await emulator.stop();

    expectFailure(copied, "server_error");
    expectFailure(batched, "server_error");
    expect(copied.error?.retryable).toBe(true);
    expect(requestsOn(emulator, "rs.copy")).toBe(1 + retries);
    expect(requestsOn(emulator, "rs.batch")).toBe(1 + retries);
  });

  it("still go to the next host when the connection never opened", async () => {
    const { emulator, seeder, hashes } = await fresh();
    // A closed port refuses the connection: the service cannot have seen the request.
    const hosts = [`http://127.0.0.1:${await closedPort()}`, emulator.url];
    const client = createClient({
      accessKey: emulator.accessKey,
      secretKey: emulator.secretKey,
      bucket: "bkt",
      region: { rs: hosts, uc: [emulator.url] },
      useHttps: false,
      timeoutMs: 1000,
      retry: { retries, baseDelayMs: 1, maxDelayMs: 5 },
    });

    expect(await move(client, "a", "moved")).toEqual({ ok: true, data: {} });
    expect(await copy(client, "b", "copied")).toEqual({ ok: true, data: {} });
    expect((await stat(seeder, "moved")).data?.hash).toBe(hashes.a);
    expect(requestsOn(emulator, "rs.move")).toBe(1);
    expect(requestsOn(emulator, "rs.copy")).toBe(1);
  });
});

describe("an answer lost after the service handled the call", () => {
  it("fails a move with network_error, not retried, though the object moved", async () => {
    const lossy = losingFetch((method, path) => method === "POST" && path.startsWith("/move/"), 1);
    const { emulator, client, seeder, hashes } = await fresh({ fetch: lossy });

    // The service moved the object, but the caller never heard so.
    const moved = await move(client, "a", "moved");
    expectFailure(moved, "network_error");
    expect(moved.error?.retryable).toBe(false);
    expect(lossy.lost).toBe(1);
    expect(requestsOn(emulator, "rs.move")).toBe(1);

    // Asking the service tells what happened: the target holds the object, the source is gone.
    expect((await stat(seeder, "moved")).data?.hash).toBe(hashes.a);
    expect((await stat(seeder, "a")).error?.code).toBe("not_found");

    // Which is why the move is not sent again: a blind repeat would report the source missing.
    const repeated = await move(client, "a", "moved");
    expectFailure(repeated, "not_found");
  });

  it("fails a copy without force once, as a repeat would meet the copy it made", async () => {
    const lossy = losingFetch((method, path) => method === "POST" && path.startsWith("/copy/"), 1);
    const { emulator, client, seeder, hashes } = await fresh({ fetch: lossy });

    const copied = await copy(client, "a", "twin");
    expectFailure(copied, "network_error");
    expect(copied.error?.retryable).toBe(false);
    expect(requestsOn(emulator, "rs.copy")).toBe(1);
    expect((await stat(seeder, "twin")).data?.hash).toBe(hashes.a);
    expectFailure(await copy(client, "a", "twin"), "exists");
  });

  it("fails a batch holding a move after one request, with every op done", async () => {
    const lossy = losingFetch((method, path) => method === "POST" && path === "/batch", 1);
    const { emulator, client, seeder, hashes } = await fresh({ fetch: lossy });

    const batched = await batch(client, [moveOp("a", "batch-moved"), statOp("b")]);
    expectFailure(batched, "network_error");
    expect(requestsOn(emulator, "rs.batch")).toBe(1);
    expect((await stat(seeder, "batch-moved")).data?.hash).toBe(hashes.a);
  });

  it("succeeds for a delete repeated after its answer was lost: the object is gone", async () => {
    const lossy = losingFetch(
      (method, path) => method === "POST" && path.startsWith("/delete/"),
      1,
    );
    const { emulator, client, seeder } = await fresh({ fetch: lossy });

    expect(await remove(client, "a")).toEqual({ ok: true, data: {} });
    expect(lossy.lost).toBe(1);
    expect(requestsOn(emulator, "rs.delete")).toBe(2);
    expect((await stat(seeder, "a")).error?.code).toBe("not_found");

    // A first answer that arrives still says not_found for a key that is not there.
    expectFailure(await remove(client, "never-there"), "not_found");

    // So does a repeat after a 503, an answer that says the delete was not done.
    emulator.addFault({ route: "rs.delete", status: 503, times: 1 });
    expectFailure(await remove(client, "never-there-either"), "not_found");
    expect(requestsOn(emulator, "rs.delete")).toBe(5);
  });

  it("is recovered for a batch of stats, which is safe to repeat", async () => {
    const lossy = losingFetch((method, path) => method === "POST" && path === "/batch", 1);
    const { emulator, client, hashes } = await fresh({ fetch: lossy });

    const batched = await batch(client, [statOp("a"), statOp("b")]);
    expect(batched.ok).toBe(true);
    expect(batched.data?.map((item) => item.data?.stat?.hash)).toEqual([hashes.a, hashes.b]);
    expect(requestsOn(emulator, "rs.batch")).toBe(2);
  });
});
