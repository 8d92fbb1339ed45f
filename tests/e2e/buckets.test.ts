import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createBucket } from "../../src/buckets/createBucket.ts";
import { getBucketInfo } from "../../src/buckets/getBucketInfo.ts";
import { listBuckets } from "../../src/buckets/listBuckets.ts";
import type { Client } from "../../src/client.ts";
import { downloadUrl } from "../../src/objects/downloadUrl.ts";
import { type E2e, requestsDuring, startE2e } from "../helpers/e2e.ts";

let e2e: E2e;
let client: Client;

beforeAll(async () => {
  e2e = await startE2e(["photos", "backups"]);
  client = e2e.client();
});
afterAll(() => e2e.stop());

describe("listBuckets", () => {
  it("lists the names of the account's buckets", async () => {
    expect(await listBuckets(client)).toEqual({ ok: true, data: ["backups", "photos"] });
  });

  it("reports a wrong secret key as unauthorized (401)", async () => {
    const wrong = e2e.client("photos", { secretKey: "not-the-secret" });
    expect((await listBuckets(wrong)).error).toMatchObject({ code: "unauthorized", status: 401 });
  });

  it("rejects bad options before sending anything", async () => {
    const { value, requests } = await requestsDuring(e2e.emulator, () =>
      listBuckets(client, "x" as never),
    );
    expect(value.error?.code).toBe("invalid_input");
    expect(requests).toEqual([]);
  });
});

describe("createBucket", () => {
  it("creates a bucket in z0 by default", async () => {
    expect(await createBucket(client, "new-bucket-1")).toEqual({ ok: true, data: {} });
    expect((await listBuckets(client)).data).toContain("new-bucket-1");
    const info = await getBucketInfo(client, { bucket: "new-bucket-1" });
    expect(info.data?.region).toBe("z0");
  });

  it("creates a bucket in the region asked for", async () => {
    const { value, requests } = await requestsDuring(e2e.emulator, () =>
      createBucket(client, "eu-3", { region: "na0" }),
    );
    expect(value.ok).toBe(true);
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      "POST /mkbucketv3/eu-3/region/na0",
    ]);
    expect((await getBucketInfo(client, { bucket: "eu-3" })).data?.region).toBe("na0");
  });

  it("reports a name already taken as exists (614), sent once", async () => {
    const { value, requests } = await requestsDuring(e2e.emulator, () =>
      createBucket(client, "photos"),
    );
    expect(value.error).toMatchObject({ code: "exists", status: 614 });
    expect(requests).toHaveLength(1);
  });

  it("rejects names the service would refuse, before sending anything", async () => {
    for (const name of ["ab", "Photos", "under_score", "-lead", "trail-", "x".repeat(64), ""]) {
      const { value, requests } = await requestsDuring(e2e.emulator, () =>
        createBucket(client, name),
      );
      expect(value.error?.code, name).toBe("invalid_input");
      expect(requests).toEqual([]);
    }
  });

  it("rejects a malformed region id before sending anything", async () => {
    const { value, requests } = await requestsDuring(e2e.emulator, () =>
      createBucket(client, "fine-name", { region: "Z0/../x" }),
    );
    expect(value.error?.code).toBe("invalid_input");
    expect(requests).toEqual([]);
  });
});

describe("downloadUrl", () => {
  const routesDuring = async (work: () => Promise<unknown>) => {
    const { requests } = await requestsDuring(e2e.emulator, work);
    const count = (route: string) => requests.filter((r) => r.route === route).length;
    return { domains: count("uc.domains"), info: count("uc.bucketInfo") };
  };

  it("looks the domain and privacy up once per client, then no more for a minute", async () => {
    const links = e2e.client("backups");
    const urls: string[] = [];
    const first = await routesDuring(async () => {
      for (const key of ["a.txt", "b.txt", "c.txt"]) {
        const link = await downloadUrl(links, key);
        if (!link.ok) throw link.error;
        urls.push(link.data.url);
      }
    });
    expect(first).toEqual({ domains: 1, info: 1 });
    expect(urls.map((url) => url.split("/").pop())).toEqual(["a.txt", "b.txt", "c.txt"]);

    // Another client asks for itself; a minute later, the first one asks again.
    expect(await routesDuring(() => downloadUrl(e2e.client("backups"), "a.txt"))).toEqual({
      domains: 1,
      info: 1,
    });
    const now = Date.now();
    const later = vi.spyOn(Date, "now").mockReturnValue(now + 61_000);
    try {
      expect(await routesDuring(() => downloadUrl(links, "a.txt"))).toEqual({
        domains: 1,
        info: 1,
      });
    } finally {
      later.mockRestore();
    }

    // What is given is not looked up.
    const given = () =>
      downloadUrl(e2e.client("backups"), "a.txt", { domain: "cdn.test", private: true });
    expect(await routesDuring(given)).toEqual({ domains: 0, info: 0 });
  });
});
