import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Client } from "../../src/client.ts";
import { batch } from "../../src/objects/batch.ts";
import { changeMetadataOp, moveOp } from "../../src/objects/batchOps.ts";
import { changeMetadata } from "../../src/objects/changeMetadata.ts";
import { changeMime } from "../../src/objects/changeMime.ts";
import { changeStatus } from "../../src/objects/changeStatus.ts";
import { changeType } from "../../src/objects/changeType.ts";
import { copy } from "../../src/objects/copy.ts";
import { deleteAfterDays } from "../../src/objects/deleteAfterDays.ts";
import { move } from "../../src/objects/move.ts";
import { stat } from "../../src/objects/stat.ts";
import { put } from "../../src/upload/put.ts";
import { download, type E2e, requestsDuring, startE2e } from "../helpers/e2e.ts";

let e2e: E2e;
let client: Client;

beforeAll(async () => {
  e2e = await startE2e(["bkt", "other"]);
  client = e2e.client();
});
afterAll(() => e2e.stop());
beforeEach(() => e2e.emulator.clearFaults());

async function putText(key: string, text: string, target = client): Promise<string> {
  const result = await put(target, key, text, { mimeType: "text/plain" });
  if (!result.ok) throw result.error;
  return result.data.hash;
}

/** Expects a result to have failed with `invalid_input` without a single request. */
async function expectRejectedLocally(work: () => Promise<{ ok: boolean; error?: unknown }>) {
  const { value, requests } = await requestsDuring(e2e.emulator, work);
  expect(value.ok).toBe(false);
  expect(value.error).toMatchObject({ code: "invalid_input" });
  expect(requests).toEqual([]);
}

describe("move", () => {
  it("renames an object within the bucket", async () => {
    const hash = await putText("move/a.txt", "alpha");
    const result = await move(client, "move/a.txt", "move/b.txt");
    expect(result).toEqual({ ok: true, data: {} });
    expect((await stat(client, "move/a.txt")).error?.code).toBe("not_found");
    expect((await stat(client, "move/b.txt")).data?.hash).toBe(hash);
  });

  it("moves into another bucket with toBucket", async () => {
    const hash = await putText("move/cross.txt", "cross");
    const result = await move(client, "move/cross.txt", "arrived.txt", { toBucket: "other" });
    expect(result.ok).toBe(true);
    expect((await stat(e2e.client("other"), "arrived.txt")).data?.hash).toBe(hash);
    expect((await stat(client, "move/cross.txt")).error?.code).toBe("not_found");
  });

  it("refuses to replace an object without force (614), and replaces it with force", async () => {
    await putText("move/src.txt", "new");
    const oldHash = await putText("move/dst.txt", "old");
    const refused = await move(client, "move/src.txt", "move/dst.txt");
    expect(refused.error).toMatchObject({ code: "exists", status: 614 });
    expect((await stat(client, "move/dst.txt")).data?.hash).toBe(oldHash);

    const forced = await move(client, "move/src.txt", "move/dst.txt", { force: true });
    expect(forced.ok).toBe(true);
    expect((await stat(client, "move/dst.txt")).data?.hash).not.toBe(oldHash);
  });

  it("reports a missing source as not_found (612)", async () => {
    const result = await move(client, "move/none.txt", "move/x.txt");
    expect(result.error).toMatchObject({ code: "not_found", status: 612 });
    expect(result.error?.reqId).toEqual(expect.any(String));
  });

  it("reports an unknown bucket as no_such_bucket (631)", async () => {
    await putText("move/c.txt", "c");
    const result = await move(client, "move/c.txt", "c.txt", { toBucket: "nosuchbucket" });
    expect(result.error).toMatchObject({ code: "no_such_bucket", status: 631 });
    const missing = await move(e2e.client("ghost"), "a", "b");
    expect(missing.error).toMatchObject({ code: "no_such_bucket", status: 631 });
  });

  it("is sent once without force, since a repeat is not safe, and retried with force", async () => {
    await putText("move/retry.txt", "r");
    e2e.emulator.addFault({ route: "rs.move", status: 503, times: 1 });
    const once = await requestsDuring(e2e.emulator, () =>
      move(client, "move/retry.txt", "move/retried.txt"),
    );
    expect(once.value.error).toMatchObject({ code: "server_error", status: 503 });
    expect(once.requests.filter((r) => r.route === "rs.move")).toHaveLength(1);

    e2e.emulator.addFault({ route: "rs.move", status: 503, times: 1 });
    const forced = await requestsDuring(e2e.emulator, () =>
      move(client, "move/retry.txt", "move/retried.txt", { force: true }),
    );
    expect(forced.value.ok).toBe(true);
    expect(forced.requests.filter((r) => r.route === "rs.move")).toHaveLength(2);
  });

  it("rejects bad input before sending anything", async () => {
    await expectRejectedLocally(() => move(client, "", "b"));
    await expectRejectedLocally(() => move(client, "a", "x".repeat(751)));
    await expectRejectedLocally(() => move(client, "a", "b", { toBucket: "no/slash" }));
    await expectRejectedLocally(() =>
      move(client, "a", "b", { force: "yes" as unknown as boolean }),
    );
    await expectRejectedLocally(() =>
      move(client, "a", "b", { signal: "stop" as unknown as AbortSignal }),
    );
  });

  it("sends the very path moveOp puts in a batch", async () => {
    await putText("move/batched.txt", "b");
    const { requests } = await requestsDuring(e2e.emulator, async () => {
      await move(client, "move/batched.txt", "move/batched2.txt");
      await batch(client, [moveOp("move/batched.txt", "move/batched2.txt")]);
    });
    const single = requests.find((r) => r.route === "rs.move");
    const batched = requests.find((r) => r.route === "rs.batch");
    expect(single?.url).toMatch(/^\/move\/[\w=-]+\/[\w=-]+$/);
    expect(new URLSearchParams(batched?.body).get("op")).toBe(single?.url);
  });
});

describe("copy", () => {
  it("copies an object and keeps the source", async () => {
    const hash = await putText("copy/a.txt", "alpha");
    expect((await copy(client, "copy/a.txt", "copy/b.txt")).ok).toBe(true);
    expect((await stat(client, "copy/a.txt")).data?.hash).toBe(hash);
    expect((await download(client, "copy/b.txt")).bytes).toEqual(new TextEncoder().encode("alpha"));
  });

  it("copies into another bucket", async () => {
    const hash = await putText("copy/x.txt", "x");
    expect((await copy(client, "copy/x.txt", "copied.txt", { toBucket: "other" })).ok).toBe(true);
    expect((await stat(e2e.client("other"), "copied.txt")).data?.hash).toBe(hash);
  });

  it("needs force to replace (614 exists otherwise)", async () => {
    await putText("copy/one.txt", "one");
    await putText("copy/two.txt", "two");
    const refused = await copy(client, "copy/one.txt", "copy/two.txt");
    expect(refused.error).toMatchObject({ code: "exists", status: 614 });
    const forced = await copy(client, "copy/one.txt", "copy/two.txt", { force: true });
    expect(forced.ok).toBe(true);
    expect((await download(client, "copy/two.txt")).bytes).toEqual(new TextEncoder().encode("one"));
  });

  it("reports a missing source (612) and a missing bucket (631)", async () => {
    expect((await copy(client, "copy/none", "copy/y")).error?.code).toBe("not_found");
    await putText("copy/z.txt", "z");
    const result = await copy(client, "copy/z.txt", "z", { toBucket: "nosuchbucket" });
    expect(result.error?.status).toBe(631);
  });

  it("is not retried without force", async () => {
    await putText("copy/r.txt", "r");
    e2e.emulator.addFault({ route: "rs.copy", status: 502, times: 1 });
    const { value, requests } = await requestsDuring(e2e.emulator, () =>
      copy(client, "copy/r.txt", "copy/r2.txt"),
    );
    expect(value.error?.status).toBe(502);
    expect(requests.filter((r) => r.route === "rs.copy")).toHaveLength(1);
  });

  it("rejects bad input before sending anything", async () => {
    await expectRejectedLocally(() => copy(client, "a", ""));
    await expectRejectedLocally(() => copy(client, "\ud800", "b"));
  });
});

describe("changeMime", () => {
  it("changes the stored and served MIME type", async () => {
    await putText("mime/page", "<p>hi</p>");
    expect((await changeMime(client, "mime/page", "text/html")).ok).toBe(true);
    expect((await stat(client, "mime/page")).data?.mimeType).toBe("text/html");
    expect((await download(client, "mime/page")).headers.get("content-type")).toBe("text/html");
  });

  it("reports a missing object (612) and an unknown bucket (631)", async () => {
    expect((await changeMime(client, "mime/none", "text/plain")).error?.status).toBe(612);
    const ghost = await changeMime(e2e.client("ghost"), "a", "text/plain");
    expect(ghost.error?.code).toBe("no_such_bucket");
  });

  it("rejects a value that is not a MIME type before sending anything", async () => {
    await expectRejectedLocally(() => changeMime(client, "mime/page", "html"));
    await expectRejectedLocally(() => changeMime(client, "mime/page", ""));
  });
});

describe("changeType", () => {
  it("changes the storage class", async () => {
    await putText("type/a", "a");
    expect((await changeType(client, "type/a", 1)).ok).toBe(true);
    expect((await stat(client, "type/a")).data?.type).toBe(1);
  });

  it("reports the service's 400 for a class it does not know", async () => {
    await putText("type/b", "b");
    const result = await changeType(client, "type/b", 5);
    expect(result.error).toMatchObject({ code: "bad_request", status: 400 });
  });

  it("reports a missing object (612)", async () => {
    expect((await changeType(client, "type/none", 2)).error?.code).toBe("not_found");
  });

  it("rejects a class out of range before sending anything", async () => {
    await expectRejectedLocally(() => changeType(client, "type/a", 9));
    await expectRejectedLocally(() => changeType(client, "type/a", 1.5));
  });
});

describe("changeStatus", () => {
  it("disables and enables an object", async () => {
    await putText("status/a", "a");
    expect((await changeStatus(client, "status/a", 1)).ok).toBe(true);
    expect((await stat(client, "status/a")).data?.status).toBe(1);
    expect((await changeStatus(client, "status/a", 0)).ok).toBe(true);
    expect((await stat(client, "status/a")).data?.status).toBe(0);
  });

  it("reports the service's 400 when the object is already in that state", async () => {
    await putText("status/b", "b");
    const result = await changeStatus(client, "status/b", 0);
    expect(result.error).toMatchObject({ code: "bad_request", status: 400 });
    expect(result.error?.message).toContain("already enabled");
  });

  it("reports a missing object (612)", async () => {
    expect((await changeStatus(client, "status/none", 1)).error?.status).toBe(612);
  });

  it("rejects a status other than 0 or 1 before sending anything", async () => {
    await expectRejectedLocally(() => changeStatus(client, "status/a", 2 as 0));
  });
});

describe("changeMetadata", () => {
  it("sets metadata and the headers downloads are served with", async () => {
    await putText("meta/app.js", "console.log(1)");
    const result = await changeMetadata(client, "meta/app.js", {
      metadata: { build: "1042", "x-qn-meta-owner": "web" },
      headers: {
        "Cache-Control": "public, max-age=31536000",
        "Content-Disposition": 'attachment; filename="app.js"',
      },
    });
    expect(result).toEqual({ ok: true, data: {} });

    const info = await stat(client, "meta/app.js");
    expect(info.data?.metadata).toMatchObject({ build: "1042", owner: "web" });
    const served = await download(client, "meta/app.js");
    expect(served.headers.get("cache-control")).toBe("public, max-age=31536000");
    expect(served.headers.get("content-disposition")).toBe('attachment; filename="app.js"');
    expect(served.headers.get("x-qn-meta-build")).toBe("1042");
  });

  it("overrides the served Content-Type", async () => {
    await putText("meta/data", "{}");
    await changeMetadata(client, "meta/data", { headers: { "Content-Type": "application/json" } });
    expect((await download(client, "meta/data")).headers.get("content-type")).toBe(
      "application/json",
    );
  });

  it("applies only while the condition holds", async () => {
    const hash = await putText("meta/cond", "c");
    const stale = await changeMetadata(client, "meta/cond", {
      metadata: { v: "1" },
      condition: { hash: "Fo-not-the-hash", mimeType: "text/plain" },
    });
    expect(stale.ok).toBe(false);
    expect(stale.error?.status).toBe(412);
    expect((await stat(client, "meta/cond")).data?.metadata).toEqual({});

    const current = await changeMetadata(client, "meta/cond", {
      metadata: { v: "2" },
      condition: { hash, mimeType: "text/plain", fsize: 1 },
    });
    expect(current.ok).toBe(true);
    expect((await stat(client, "meta/cond")).data?.metadata).toEqual({ v: "2" });
  });

  it("works as a batch op too", async () => {
    await putText("meta/batched", "b");
    const result = await batch(client, [
      changeMetadataOp("meta/batched", { metadata: { k: "v" } }),
      changeMetadataOp("meta/none", { metadata: { k: "v" } }),
    ]);
    expect(result.data?.map((item) => item.ok || item.error.status)).toEqual([true, 612]);
    expect((await stat(client, "meta/batched")).data?.metadata).toEqual({ k: "v" });
  });

  it("reports a missing object (612) and an unknown bucket (631)", async () => {
    const missing = await changeMetadata(client, "meta/none", { metadata: { a: "b" } });
    expect(missing.error?.code).toBe("not_found");
    const ghost = await changeMetadata(e2e.client("ghost"), "a", { metadata: { a: "b" } });
    expect(ghost.error?.status).toBe(631);
  });

  it("rejects bad changes before sending anything", async () => {
    await expectRejectedLocally(() => changeMetadata(client, "k", {}));
    await expectRejectedLocally(() => changeMetadata(client, "k", { metadata: { "a b": "c" } }));
    await expectRejectedLocally(() => changeMetadata(client, "k", { metadata: { a: "" } }));
    await expectRejectedLocally(() =>
      changeMetadata(client, "k", { headers: { "Cache-Control": "a\r\nSet-Cookie: x" } }),
    );
    await expectRejectedLocally(() =>
      changeMetadata(client, "k", { metadata: { a: 1 as unknown as string } }),
    );
    await expectRejectedLocally(() =>
      changeMetadata(client, "k", { metadata: { a: "b" }, condition: { fsize: -1 } }),
    );
    await expectRejectedLocally(() =>
      changeMetadata(client, "k", undefined as unknown as { metadata: Record<string, string> }),
    );
  });
});

describe("deleteAfterDays", () => {
  it("sets and cancels the object's lifetime", async () => {
    await putText("life/a", "a");
    expect((await deleteAfterDays(client, "life/a", 7)).ok).toBe(true);
    const info = await stat(client, "life/a");
    const written = Math.floor(info.data!.putTime / 10_000_000);
    expect(info.data?.expiration).toBe(written + 7 * 86_400);

    expect((await deleteAfterDays(client, "life/a", 0)).ok).toBe(true);
    expect((await stat(client, "life/a")).data?.expiration).toBeUndefined();
  });

  it("reports a missing object (612)", async () => {
    expect((await deleteAfterDays(client, "life/none", 1)).error?.status).toBe(612);
  });

  it("rejects a negative or fractional number of days before sending anything", async () => {
    await expectRejectedLocally(() => deleteAfterDays(client, "life/a", -1));
    await expectRejectedLocally(() => deleteAfterDays(client, "life/a", 0.5));
  });
});
