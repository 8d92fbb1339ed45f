import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../src/emulator/index.ts";
import { etagText as etag } from "../../src/etag/etag.ts";
import { b64, formUpload, manage, token } from "./helpers.ts";

const bucket = "manage";
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ buckets: [bucket, "manage-other"] });
});

afterAll(async () => {
  await emulator.stop();
});

async function put(key: string, content: string, target = bucket): Promise<void> {
  const answer = await formUpload(
    emulator,
    { token: await token(emulator, { scope: target }), key },
    { bytes: content },
  );
  expect(answer.status).toBe(200);
}

const entry = (key: string, target = bucket) => b64(`${target}:${key}`);
const statOf = async (key: string, target = bucket) =>
  manage(emulator, `/stat/${entry(key, target)}`, { method: "GET" });

describe("object operations", () => {
  it("answers stat with POST as well as GET, and 400 / 631 for bad entries", async () => {
    await put("ops/a.txt", "abc");
    expect((await manage(emulator, `/stat/${entry("ops/a.txt")}`)).json.fsize).toBe(3);
    expect((await manage(emulator, "/stat/!!!")).status).toBe(400);
    expect((await manage(emulator, `/stat/${b64(bucket)}`)).status).toBe(400);
    const noBucket = await manage(emulator, `/stat/${b64("nope:a")}`);
    expect(noBucket.status).toBe(631);
    expect(noBucket.json).toEqual({ error: "no such bucket" });
  });

  it("moves across buckets and keeps the content", async () => {
    await put("ops/cross.txt", "cross");
    const moved = await manage(
      emulator,
      `/move/${entry("ops/cross.txt")}/${entry("x.txt", "manage-other")}`,
    );
    expect(moved.status).toBe(200);
    expect((await statOf("x.txt", "manage-other")).json.hash).toBe(await etag("cross"));
    expect((await statOf("ops/cross.txt")).status).toBe(612);
  });

  it("changes metadata with chgm, honouring a condition", async () => {
    await put("ops/meta.txt", "meta");
    const changes = `x-qn-meta-color/${b64("red")}/mime/${b64("text/x-test")}`;
    const path = `/chgm/${entry("ops/meta.txt")}/${changes}`;
    expect((await manage(emulator, path)).status).toBe(200);
    expect((await statOf("ops/meta.txt")).json).toMatchObject({
      mimeType: "text/x-test",
      "x-qn-meta": { color: "red" },
    });
    const failing = `/chgm/${entry("ops/meta.txt")}/mime/${b64("a/b")}/cond/${b64("fsize=99")}`;
    expect((await manage(emulator, failing)).status).toBe(412);
    expect((await manage(emulator, `/chgm/${entry("ops/meta.txt")}`)).status).toBe(400);
  });

  it("disables and enables with chstatus, refusing a no-op", async () => {
    await put("ops/status.txt", "s");
    expect((await manage(emulator, `/chstatus/${entry("ops/status.txt")}/status/1`)).status).toBe(
      200,
    );
    expect((await statOf("ops/status.txt")).json.status).toBe(1);
    const again = await manage(emulator, `/chstatus/${entry("ops/status.txt")}/status/1`);
    expect(again.json).toEqual({ error: "already disabled" });
    expect((await manage(emulator, `/chstatus/${entry("ops/status.txt")}/status/0`)).status).toBe(
      200,
    );
    expect((await statOf("ops/status.txt")).json.status).toBeUndefined();
  });

  it("sets deleteAfterDays and lifecycle dates, and cancels them", async () => {
    await put("ops/life.txt", "l");
    expect((await manage(emulator, `/deleteAfterDays/${entry("ops/life.txt")}/3`)).status).toBe(
      200,
    );
    const withExpiry = (await statOf("ops/life.txt")).json;
    expect(withExpiry.expiration - Math.floor(withExpiry.putTime / 1e7)).toBe(3 * 86_400);

    const days = [
      "toIAAfterDays/1",
      "toArchiveIRAfterDays/0",
      "toArchiveAfterDays/0",
      "toDeepArchiveAfterDays/0",
      "deleteAfterDays/-1",
    ];
    const lifecycle = `/lifecycle/${entry("ops/life.txt")}/${days.join("/")}`;
    expect((await manage(emulator, lifecycle)).status).toBe(200);
    const after = (await statOf("ops/life.txt")).json;
    expect(after.expiration).toBeUndefined();
    expect(after.transitionToIA).toBeDefined();
  });

  it("restores archived objects only", async () => {
    await put("ops/cold.txt", "cold");
    expect(
      (await manage(emulator, `/restoreAr/${entry("ops/cold.txt")}/freezeAfterDays/1`)).status,
    ).toBe(400);
    expect((await manage(emulator, `/chtype/${entry("ops/cold.txt")}/type/2`)).status).toBe(200);
    expect((await manage(emulator, `/chtype/${entry("ops/cold.txt")}/type/9`)).status).toBe(400);
    expect(
      (await manage(emulator, `/restoreAr/${entry("ops/cold.txt")}/freezeAfterDays/1`)).status,
    ).toBe(200);
    expect((await statOf("ops/cold.txt")).json.restoreStatus).toBe(2);
  });

  it("answers 298 even when every op of a batch fails, and 400 for an empty batch", async () => {
    const op = (key: string) => `op=${encodeURIComponent(`/delete/${entry(key)}`)}`;
    const body = `${op("none-1")}&${op("none-2")}`;
    const answer = await manage(emulator, "/batch", { body });
    expect(answer.status).toBe(298);
    expect(answer.json.map((item: { code: number }) => item.code)).toEqual([612, 612]);
    expect((await manage(emulator, "/batch", { body: "" })).status).toBe(400);
  });
});

describe("listing", () => {
  it("pages through keys in order with markers, and answers 640 for a bad marker", async () => {
    const keys = ["page/0", "page/1", "page/2", "page/3", "page/4"];
    for (const key of keys.toReversed()) await put(key, key);
    const seen: string[] = [];
    let marker = "";
    for (let page = 0; page < 10; page++) {
      const answer = await manage(
        emulator,
        `/list?bucket=${bucket}&prefix=page/&limit=2&marker=${marker}`,
      );
      seen.push(...answer.json.items.map((item: { key: string }) => item.key));
      expect(answer.json.commonPrefixes).toBeUndefined();
      marker = answer.json.marker;
      if (marker === "") break;
    }
    expect(seen).toEqual(keys);

    const bad = await manage(emulator, `/list?bucket=${bucket}&marker=not-a-marker`);
    expect(bad.status).toBe(640);
    expect((await manage(emulator, "/list?bucket=nope")).status).toBe(631);
  });
});

describe("fetch and mirrors", () => {
  it("fetches a URL into an object, named by its hash when no key is given", async () => {
    await put("fetch/source.txt", "fetch me");
    const source = `${emulator.url}/${bucket}/fetch/source.txt`;
    const named = await manage(emulator, `/fetch/${b64(source)}/to/${entry("fetch/copy.txt")}`);
    expect(named.json).toEqual({
      key: "fetch/copy.txt",
      hash: await etag("fetch me"),
      fsize: 8,
      mimeType: "text/plain",
    });
    const unnamed = await manage(emulator, `/fetch/${b64(source)}/to/${b64(bucket)}`);
    expect(unnamed.json.key).toBe(await etag("fetch me"));
    const broken = await manage(
      emulator,
      `/fetch/${b64(`${emulator.url}/${bucket}/missing`)}/to/${entry("x")}`,
    );
    expect(broken.status).toBe(478);
  });

  it("prefetches from the bucket's mirror source", async () => {
    await put("mirror/a.txt", "from the mirror", "manage-other");
    expect((await manage(emulator, `/prefetch/${entry("mirror/a.txt")}`)).status).toBe(400);
    const image = `/image/${bucket}/from/${b64(`${emulator.url}/manage-other`)}`;
    expect((await manage(emulator, image)).status).toBe(200);
    expect((await manage(emulator, `/prefetch/${entry("mirror/a.txt")}`)).status).toBe(200);
    expect((await statOf("mirror/a.txt")).json.hash).toBe(await etag("from the mirror"));
    expect((await manage(emulator, `/unimage/${bucket}`)).status).toBe(200);
  });
});

describe("buckets", () => {
  it("refuses bad names, names that shadow API routes, and existing buckets", async () => {
    expect((await manage(emulator, "/mkbucketv3/Bad_Name")).status).toBe(400);
    expect((await manage(emulator, "/mkbucketv3/stat")).status).toBe(400);
    expect((await manage(emulator, "/mkbucketv3/batch/region/z0")).status).toBe(400);
    expect((await manage(emulator, `/mkbucketv3/${bucket}`)).status).toBe(614);
    expect((await manage(emulator, "/drop/no-such-bucket")).status).toBe(631);
  });

  it("lists buckets in the v4 form, reports bucketInfo, and switches private", async () => {
    expect((await manage(emulator, "/mkbucketv3/manage-z2/region/z2")).status).toBe(200);
    const v4 = await manage(emulator, "/buckets?apiVersion=v4&region=z2", { method: "GET" });
    expect(v4.json.buckets).toEqual([
      expect.objectContaining({ name: "manage-z2", region: "z2", private: 0 }),
    ]);
    expect((await manage(emulator, "/private?bucket=manage-z2&private=1")).status).toBe(200);
    expect((await manage(emulator, "/v2/bucketInfo?bucket=manage-z2")).json).toMatchObject({
      private: 1,
      region: "z2",
    });
    const query = await fetch(`${emulator.url}/v4/query?ak=${emulator.accessKey}&bucket=manage-z2`);
    expect((await query.json()).hosts[0].region).toBe("z2");
  });

  it("drops a bucket together with its objects", async () => {
    expect((await manage(emulator, "/mkbucketv3/manage-drop")).status).toBe(200);
    await put("a.txt", "a", "manage-drop");
    expect((await manage(emulator, "/drop/manage-drop")).json).toEqual({});
    expect((await manage(emulator, "/mkbucketv3/manage-drop")).status).toBe(200);
    expect((await statOf("a.txt", "manage-drop")).status).toBe(612);
  });
});

describe("download domains", () => {
  it("binds a path-form domain, serves it, and unbinds it (offline first)", async () => {
    await put("dom/a.txt", "via alias");
    const name = `${emulator.hosts[0]}/alias`;
    const path = `/domain/${encodeURIComponent(name)}`;
    const body = JSON.stringify({
      type: "normal",
      source: { sourceType: "qiniuBucket", sourceQiniuBucket: bucket },
    });
    expect((await manage(emulator, path, { body, contentType: "application/json" })).status).toBe(
      200,
    );
    expect((await manage(emulator, path, { body, contentType: "application/json" })).status).toBe(
      400,
    );

    const served = await fetch(`${emulator.url}/alias/dom/a.txt`);
    expect(await served.text()).toBe("via alias");
    const other = await fetch(`http://${emulator.hosts[1]}/alias/dom/a.txt`);
    expect(other.status).toBe(200);
    const listed = await manage(emulator, `/v2/domains?tbl=${bucket}`, { method: "GET" });
    expect(listed.json).toEqual([`${emulator.hosts[0]}/${bucket}`, name]);

    expect((await manage(emulator, path, { method: "DELETE" })).status).toBe(400);
    expect((await manage(emulator, `${path}/offline`)).status).toBe(200);
    expect((await fetch(`${emulator.url}/alias/dom/a.txt`)).status).toBe(404);
    expect((await manage(emulator, path, { method: "DELETE" })).status).toBe(200);
    expect((await manage(emulator, path, { method: "DELETE" })).status).toBe(404);
    expect((await manage(emulator, `${path}/offline`)).status).toBe(404);
  });

  it("serves a host-form domain by its Host header", async () => {
    await put("host/a.txt", "by host");
    const body = JSON.stringify({ source: { sourceQiniuBucket: bucket } });
    const bound = await manage(emulator, "/domain/cdn.example.test", {
      body,
      contentType: "application/json",
    });
    expect(bound.status).toBe(200);
    const { request } = await import("node:http");
    const text = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: emulator.port,
          path: "/host/a.txt",
          headers: { Host: "cdn.example.test" },
        },
        (res) => {
          let data = "";
          res.on("data", (chunk) => {
            data += chunk;
          });
          res.on("end", () => resolve(data));
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(text).toBe("by host");
  });

  it("refuses domains that shadow routes or buckets, and keeps the 2012 publish", async () => {
    const body = (target: string) => JSON.stringify({ source: { sourceQiniuBucket: target } });
    const route = `/domain/${encodeURIComponent(`${emulator.hosts[0]}/stat`)}`;
    expect(
      (await manage(emulator, route, { body: body(bucket), contentType: "application/json" }))
        .status,
    ).toBe(400);
    const shadow = `/domain/${encodeURIComponent(`${emulator.hosts[0]}/manage-other`)}`;
    expect(
      (await manage(emulator, shadow, { body: body(bucket), contentType: "application/json" }))
        .status,
    ).toBe(400);
    const missing = `/domain/${encodeURIComponent("x.example.test")}`;
    expect(
      (await manage(emulator, missing, { body: body("nope"), contentType: "application/json" }))
        .status,
    ).toBe(631);

    await put("old/a.txt", "published");
    const old = `${emulator.hosts[0]}/old-style`;
    expect((await manage(emulator, `/publish/${b64(old)}/from/${bucket}`)).status).toBe(200);
    expect((await manage(emulator, `/publish/${b64(old)}/from/${bucket}`)).status).toBe(200);
    expect(await (await fetch(`${emulator.url}/old-style/old/a.txt`)).text()).toBe("published");
    expect((await manage(emulator, `/unpublish/${b64(old)}`)).status).toBe(200);
    const again = await manage(emulator, `/unpublish/${b64(old)}`);
    expect(again.status).toBe(599);
    expect(again.json).toEqual({ error: "Document not found" });
  });
});
