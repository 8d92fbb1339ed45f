import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type ClientOptions, createClient } from "../../src/client.ts";
import { queryRegion } from "../../src/region/queryRegion.ts";
import { clearRegionCache } from "../../src/region/regionCache.ts";
import { regionHosts, regionIds } from "../../src/region/regionTable.ts";
import { resolveHosts } from "../../src/region/resolveHosts.ts";
import { type RealServer, sendJson, startRealServer } from "../helpers/realServer.ts";

const realFetch = globalThis.fetch;
const UC = "http://uc.test";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
beforeEach(() => clearRegionCache());
afterEach(() => {
  server.resetHandlers();
  vi.restoreAllMocks();
});
afterAll(() => server.close());

const servers: RealServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function client(options: Partial<ClientOptions> = {}) {
  return createClient({
    accessKey: "test-ak",
    secretKey: "test-sk",
    bucket: "photos",
    ucHost: UC,
    retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 },
    ...options,
  });
}

/** A /v4/query answer in the shape the service gives, with extra fields it may add. */
function answer(host: string, ttl = 86_400, region = "z0") {
  const service = { domains: [host] };
  return {
    region,
    ttl,
    up: { domains: [host], acc_domains: ["acc.example.com"], old: ["old-up.example.com"] },
    io: service,
    io_src: service,
    rs: service,
    rsf: service,
    api: service,
    uc: service,
    s3: { domains: ["s3.example.com"], region_alias: "cn-east-1" },
    features: { http3: { enabled: false } },
  };
}

/** Serves /v4/query on UC with the given reply, and records what was asked. */
function serveQuery(reply: () => Response) {
  const seen: Request[] = [];
  server.use(
    http.get(`${UC}/v4/query`, ({ request }) => {
      seen.push(request);
      return reply();
    }),
  );
  return seen;
}

describe("regionHosts", () => {
  it("gives the published hosts of z0, without the region in upload and download names", () => {
    expect(regionHosts("z0")).toEqual({
      up: ["upload.qiniup.com", "up.qiniup.com", "up.qbox.me"],
      io: ["iovip.qiniuio.com", "iovip.qbox.me"],
      rs: ["rs-z0.qiniuapi.com", "rs-z0.qbox.me"],
      rsf: ["rsf-z0.qiniuapi.com", "rsf-z0.qbox.me"],
      api: ["api-z0.qiniuapi.com", "api-z0.qbox.me"],
      uc: ["uc.qiniuapi.com"],
    });
  });

  it("names the region in every host of the other regions", () => {
    expect(regionIds).toEqual(["z0", "cn-east-2", "z1", "z2", "na0", "as0"]);
    expect(regionHosts("cn-east-2")?.up).toEqual([
      "upload-cn-east-2.qiniup.com",
      "up-cn-east-2.qiniup.com",
      "up-cn-east-2.qbox.me",
    ]);
    expect(regionHosts("na0")?.io).toEqual(["iovip-na0.qiniuio.com", "iovip-na0.qbox.me"]);
    expect(regionHosts("as0")?.rsf).toEqual(["rsf-as0.qiniuapi.com", "rsf-as0.qbox.me"]);
    expect(regionHosts("mars")).toBeUndefined();
  });
});

describe("resolveHosts", () => {
  it("uses the table for a region id, over https by default", async () => {
    const result = await resolveHosts(client({ region: "z1", ucHost: undefined }), "rs");
    expect(result.data).toEqual(["https://rs-z1.qiniuapi.com", "https://rs-z1.qbox.me"]);
  });

  it("gives invalid_input for a region id it does not know", async () => {
    const result = await resolveHosts(client({ region: "z9" }), "rs");
    expect(result.error?.code).toBe("invalid_input");
    expect(result.error?.message).toContain("z9");
  });

  it("lets explicit hosts win, giving a scheme to those without one", async () => {
    const region = { rs: ["127.0.0.1:9400", "https://rs.example.com/"] };
    const seen = serveQuery(() => HttpResponse.json({ hosts: [answer("unused:1")] }));
    const result = await resolveHosts(client({ region }), "rs");
    expect(result.data).toEqual(["http://127.0.0.1:9400", "https://rs.example.com"]);
    expect(seen).toHaveLength(0);
  });

  it("discovers a service that explicit hosts leave out", async () => {
    serveQuery(() => HttpResponse.json({ hosts: [answer("127.0.0.1:9400")] }));
    const result = await resolveHosts(client({ region: { rs: ["rs.example.com"] } }), "io");
    expect(result.data).toEqual(["http://127.0.0.1:9400"]);
  });

  it("gives the client's ucHost for uc unless explicit hosts say otherwise", async () => {
    const seen = serveQuery(() => HttpResponse.json({ hosts: [answer("unused:1")] }));
    expect((await resolveHosts(client(), "uc")).data).toEqual([UC]);
    expect((await resolveHosts(client({ region: "z2" }), "uc")).data).toEqual([UC]);
    const explicit = client({ region: { uc: ["uc.example.com"] }, useHttps: true });
    expect((await resolveHosts(explicit, "uc")).data).toEqual(["https://uc.example.com"]);
    expect(seen).toHaveLength(0);
  });

  it("asks /v4/query unsigned and gives origins to hosts without a scheme", async () => {
    const seen = serveQuery(() => HttpResponse.json({ hosts: [answer("127.0.0.1:9400")] }));
    const rs = await resolveHosts(client(), "rs");
    expect(rs.data).toEqual(["http://127.0.0.1:9400"]);
    const url = new URL(seen[0]!.url);
    expect(url.searchParams.get("ak")).toBe("test-ak");
    expect(url.searchParams.get("bucket")).toBe("photos");
    expect(seen[0]!.headers.get("authorization")).toBeNull();
  });

  it("lists upload domains, then old ones, leaving accelerated ones out", async () => {
    serveQuery(() => HttpResponse.json({ hosts: [answer("up.example.com")] }));
    const up = await resolveHosts(client({ useHttps: true }), "up");
    expect(up.data).toEqual(["https://up.example.com", "https://old-up.example.com"]);
  });

  it("puts the hosts of backup regions after those of the primary one", async () => {
    const hosts = [answer("rs-a.example.com"), answer("rs-b.example.com", 86_400, "z1")];
    serveQuery(() => HttpResponse.json({ hosts }));
    const rs = await resolveHosts(client(), "rs");
    expect(rs.data).toEqual(["http://rs-a.example.com", "http://rs-b.example.com"]);
  });

  it("keeps the answer, sharing one request among concurrent callers", async () => {
    const seen = serveQuery(() => HttpResponse.json({ hosts: [answer("127.0.0.1:9400")] }));
    const c = client();
    const together = await Promise.all([
      resolveHosts(c, "rs"),
      resolveHosts(c, "up"),
      resolveHosts(c, "rsf"),
    ]);
    const later = await resolveHosts(c, "io");
    expect([...together, later].every((result) => result.ok)).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it("keeps answers apart per bucket, access key and query host", async () => {
    const seen = serveQuery(() => HttpResponse.json({ hosts: [answer("127.0.0.1:9400")] }));
    await resolveHosts(client(), "rs");
    await resolveHosts(client({ bucket: "videos" }), "rs");
    await resolveHosts(client({ accessKey: "other-ak" }), "rs");
    await resolveHosts(client({ ucHost: `${UC}/` }), "rs");
    expect(seen).toHaveLength(3);

    const other: Request[] = [];
    server.use(
      http.get("http://uc2.test/v4/query", ({ request }) => {
        other.push(request);
        return HttpResponse.json({ hosts: [answer("127.0.0.1:9400")] });
      }),
    );
    await resolveHosts(client({ ucHost: "http://uc2.test" }), "rs");
    expect(other).toHaveLength(1);
  });

  it("asks again once the ttl has passed", async () => {
    const seen = serveQuery(() => HttpResponse.json({ hosts: [answer("127.0.0.1:9400", 60)] }));
    const c = client();
    const start = Date.now();
    const now = vi.spyOn(Date, "now");

    now.mockReturnValue(start);
    await resolveHosts(c, "rs");
    now.mockReturnValue(start + 59_000);
    await resolveHosts(c, "rs");
    expect(seen).toHaveLength(1);

    now.mockReturnValue(start + 61_000);
    await resolveHosts(c, "rs");
    expect(seen).toHaveLength(2);
  });

  it("falls back to the stale answer when asking again fails", async () => {
    let healthy = true;
    const seen = serveQuery(() =>
      healthy
        ? HttpResponse.json({ hosts: [answer("127.0.0.1:9400", 1)] })
        : HttpResponse.json({ error: "unavailable" }, { status: 503 }),
    );
    const c = client();
    const start = Date.now();
    const now = vi.spyOn(Date, "now").mockReturnValue(start);
    await resolveHosts(c, "rs");

    healthy = false;
    now.mockReturnValue(start + 5_000);
    const stale = await resolveHosts(c, "rs");
    expect(stale.data).toEqual(["http://127.0.0.1:9400"]);
    expect(seen).toHaveLength(2);
  });

  it("reports a failed query when nothing is kept", async () => {
    serveQuery(() => HttpResponse.json({ error: "unavailable" }, { status: 503 }));
    const result = await resolveHosts(client(), "rs");
    expect(result.error).toMatchObject({ code: "server_error", status: 503 });
  });

  it("gives invalid_response for an answer of the wrong shape", async () => {
    serveQuery(() => HttpResponse.json({ hosts: [{ rs: { domains: "rs.example.com" } }] }));
    const result = await resolveHosts(client(), "rs");
    expect(result.error?.code).toBe("invalid_response");
    expect(result.error?.issues?.[0]?.path).toEqual(["hosts", 0, "rs", "domains"]);
  });

  it("gives invalid_response when the answer holds no host for the service", async () => {
    serveQuery(() => HttpResponse.json({ hosts: [{ region: "z0", rs: { domains: [] } }] }));
    const result = await resolveHosts(client(), "rs");
    expect(result.error?.code).toBe("invalid_response");
  });

  it("gives no_such_bucket when the query service answers 631", async () => {
    const uc = await startRealServer((_req, res) =>
      sendJson(res, 631, { error: "no such bucket" }),
    );
    servers.push(uc);
    const result = await resolveHosts(client({ ucHost: uc.origin, fetch: realFetch }), "rs");
    expect(result.error).toMatchObject({ code: "no_such_bucket", status: 631 });
    expect(uc.hits).toHaveLength(1);
  });

  it("stops a caller that aborts without stopping the shared query", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: Request[] = [];
    server.use(
      http.get(`${UC}/v4/query`, async ({ request }) => {
        seen.push(request);
        await gate;
        return HttpResponse.json({ hosts: [answer("127.0.0.1:9400")] });
      }),
    );
    const c = client();
    const controller = new AbortController();
    const patient = resolveHosts(c, "rs");
    const hasty = resolveHosts(c, "rs", { signal: controller.signal });
    controller.abort();
    expect((await hasty).error?.code).toBe("aborted");
    release();
    expect((await patient).data).toEqual(["http://127.0.0.1:9400"]);
    expect(seen).toHaveLength(1);
  });
});

describe("queryRegion", () => {
  it("works from an access key alone and gives every service with its region id", async () => {
    serveQuery(() => HttpResponse.json({ hosts: [answer("127.0.0.1:9400", 600, "z2")] }));
    const result = await queryRegion({
      ucHost: "uc.test",
      accessKey: "test-ak",
      bucket: "photos",
      useHttps: false,
    });
    expect(result.data).toHaveLength(1);
    expect(result.data?.[0]).toMatchObject({ id: "z2", ttl: 600 });
    expect(result.data?.[0]?.hosts.api).toEqual(["http://127.0.0.1:9400"]);
    expect(result.data?.[0]?.hosts.up).toEqual([
      "http://127.0.0.1:9400",
      "http://old-up.example.com",
    ]);
  });

  it("gives invalid_response for an answer without regions", async () => {
    serveQuery(() => HttpResponse.json({ hosts: [] }));
    const result = await queryRegion({ ucHost: UC, accessKey: "a", bucket: "b", useHttps: false });
    expect(result.error?.code).toBe("invalid_response");
  });
});
