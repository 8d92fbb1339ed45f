import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Client } from "../../src/client.ts";
import { type ListEntry, list } from "../../src/objects/list.ts";
import { remove } from "../../src/objects/remove.ts";
import { removeByPrefix } from "../../src/objects/removeByPrefix.ts";
import { stat } from "../../src/objects/stat.ts";
import type { Result } from "../../src/result.ts";
import { type E2e, requestsDuring, seed, startE2e } from "../helpers/e2e.ts";

let e2e: E2e;
let client: Client;

beforeAll(async () => {
  e2e = await startE2e(["bkt"]);
  client = e2e.client();
});
afterAll(() => e2e.stop());
beforeEach(() => e2e.emulator.clearFaults());

const padded = (i: number) => String(i).padStart(4, "0");

async function collect(iterable: AsyncIterable<Result<ListEntry>>): Promise<ListEntry[]> {
  const entries: ListEntry[] = [];
  for await (const step of iterable) {
    if (!step.ok) throw step.error;
    entries.push(step.data);
  }
  return entries;
}

describe("list", () => {
  // 2,500 keys right under dir/, and deeper keys grouped under six prefixes, some of them at the
  // page boundaries of a 1,000-key listing.
  const direct = Array.from({ length: 2500 }, (_, i) => `dir/f-${padded(i)}`);
  const groups = ["0000", "0998", "0999", "1000", "1999", "2499"].map((n) => `dir/f-${n}-sub/`);
  const deep = groups.flatMap((group) => [1, 2, 3].map((n) => `${group}part-${n}`));

  beforeAll(async () => {
    await seed(client, [...direct, ...deep]);
  });

  it("yields every key once, in order, across pages, and each common prefix once", async () => {
    const { value: entries, requests } = await requestsDuring(e2e.emulator, () =>
      collect(list(client, { prefix: "dir/", delimiter: "/" })),
    );
    const items = entries.flatMap((entry) => (entry.type === "item" ? [entry.item.key] : []));
    const prefixes = entries.flatMap((entry) => (entry.type === "prefix" ? [entry.prefix] : []));
    expect(items).toEqual(direct);
    expect(new Set(items).size).toBe(items.length);
    expect([...prefixes].sort()).toEqual(groups);
    expect(requests.filter((r) => r.route === "rsf.list").length).toBeGreaterThanOrEqual(3);
  });

  it("yields every key under a prefix once, in order, without a delimiter", async () => {
    const entries = await collect(list(client, { prefix: "dir/f-09", limit: 250 }));
    const expected = [...direct, ...deep].filter((key) => key.startsWith("dir/f-09")).sort();
    expect(entries.map((entry) => (entry.type === "item" ? entry.item.key : ""))).toEqual(expected);
  });
});

describe("removeByPrefix", () => {
  it("removes every key under the prefix and reports them, page by page", async () => {
    const doomed = Array.from({ length: 1200 }, (_, i) => `tmp/${padded(i)}`);
    await seed(client, [...doomed, "keep/a", "tmpx"]);
    const progress: Array<{ removed: number; failed: number }> = [];

    const result = await removeByPrefix(client, "tmp/", { onProgress: (p) => progress.push(p) });
    expect(result.ok).toBe(true);
    expect(result.data?.removed).toEqual(doomed);
    expect(result.data?.failed).toEqual([]);
    expect(result.data?.stoppedBy).toBeUndefined();
    expect(progress).toEqual([
      { removed: 1000, failed: 0 },
      { removed: 1200, failed: 0 },
    ]);
    expect((await stat(client, "tmp/0000")).error?.code).toBe("not_found");
    expect((await stat(client, "keep/a")).ok).toBe(true);
    expect((await stat(client, "tmpx")).ok).toBe(true);
  });

  it("reports a key that vanished between listing and deleting, with its error", async () => {
    await seed(client, ["race/a", "race/b", "race/c"]);
    const other = e2e.client();
    // Deletes race/b just before the batch that would delete it goes out.
    const racing = e2e.client("bkt", {
      fetch: async (input, init) => {
        if (String(input).endsWith("/batch")) await remove(other, "race/b");
        return fetch(input, init);
      },
    });

    const result = await removeByPrefix(racing, "race/");
    expect(result.data?.removed).toEqual(["race/a", "race/c"]);
    expect(result.data?.failed).toHaveLength(1);
    expect(result.data?.failed[0]?.key).toBe("race/b");
    expect(result.data?.failed[0]?.error).toMatchObject({ code: "not_found", status: 612 });
  });

  it("reports the keys of a batch that failed as a whole, and stops there", async () => {
    await seed(client, ["fail/a", "fail/b"]);
    e2e.emulator.addFault({ route: "rs.batch", status: 400, times: 1 });
    const result = await removeByPrefix(client, "fail/");
    expect(result.ok).toBe(true);
    expect(result.data?.removed).toEqual([]);
    expect(result.data?.failed.map((f) => [f.key, f.error.code])).toEqual([
      ["fail/a", "bad_request"],
      ["fail/b", "bad_request"],
    ]);
    expect(result.data?.stoppedBy?.code).toBe("bad_request");
    expect((await stat(client, "fail/a")).ok).toBe(true);
  });

  it("fails when the first listing fails", async () => {
    const result = await removeByPrefix(e2e.client("ghost"), "a/");
    expect(result.error).toMatchObject({ code: "no_such_bucket", status: 631 });
  });

  it("succeeds with nothing to remove", async () => {
    const result = await removeByPrefix(client, "nothing-here/");
    expect(result.data).toEqual({ removed: [], failed: [], stoppedBy: undefined });
  });

  it("rejects an empty prefix and bad options before sending anything", async () => {
    for (const work of [
      () => removeByPrefix(client, ""),
      () => removeByPrefix(client, 7 as unknown as string),
      () => removeByPrefix(client, "a/", { onProgress: "x" as unknown as () => void }),
      () => removeByPrefix(client, "a/", { signal: {} as AbortSignal }),
    ]) {
      const { value, requests } = await requestsDuring(e2e.emulator, work);
      expect(value.error?.code).toBe("invalid_input");
      expect(requests).toEqual([]);
    }
  });
});
