import type { Exchange, Route } from "./exchange.ts";
import { errors, type Reply } from "./http/reply.ts";
import { adminRoute } from "./routes/admin.ts";
import { domainRoute, publish, unpublish } from "./routes/domains.ts";
import { download, downloadTarget } from "./routes/download.ts";
import { fetchObject, prefetchObject, setMirror } from "./routes/fetch.ts";
import { formUpload } from "./routes/form.ts";
import { listObjects, listObjectsV2 } from "./routes/list.ts";
import {
  abortUpload,
  completeUpload,
  initiateUpload,
  listParts,
  uploadPart,
} from "./routes/multipartV2.ts";
import { operationNames } from "./routes/objectOps.ts";
import { batch, objectRoute } from "./routes/objects.ts";
import { bput, mkblk, mkfile } from "./routes/resumableV1.ts";
import {
  bucketInfo,
  createBucket,
  dropBucket,
  listBuckets,
  listDomains,
  listRegions,
  queryRegion,
  setPrivate,
} from "./routes/uc.ts";

type Handler = Route["handle"];
const GET = ["GET", "HEAD"];
const POST = ["POST"];
const GET_POST = ["GET", "HEAD", "POST"];

const signed = (name: string, methods: readonly string[], handle: Handler): Route => ({
  name,
  auth: "manage",
  methods,
  handle,
});
const open = (name: string, methods: readonly string[], handle: Handler): Route => ({
  name,
  auth: "none",
  methods,
  handle,
});

const routes = {
  form: open("up.form", POST, formUpload),
  query: open("uc.query", GET_POST, queryRegion),
  regions: open("uc.regions", GET, listRegions),
  buckets: signed("uc.buckets", GET_POST, listBuckets),
  mkbucket: signed("uc.mkbucket", POST, createBucket),
  drop: signed("uc.drop", POST, dropBucket),
  private: signed("uc.private", POST, setPrivate),
  bucketInfo: signed("uc.bucketInfo", GET_POST, bucketInfo),
  domains: signed("uc.domains", GET_POST, listDomains),
  image: signed("uc.image", POST, setMirror),
  domain: signed("api.domain", ["GET", "POST", "DELETE"], domainRoute),
  publish: signed("rs.publish", POST, publish),
  unpublish: signed("rs.unpublish", POST, unpublish),
  batch: signed("rs.batch", POST, batch),
  list: signed("rsf.list", GET_POST, listObjects),
  listV2: signed("rsf.list.v2", GET_POST, listObjectsV2),
  fetch: signed("io.fetch", POST, fetchObject),
  prefetch: signed("io.prefetch", POST, prefetchObject),
  mkblk: open("up.v1.mkblk", POST, mkblk),
  bput: open("up.v1.bput", POST, bput),
  mkfile: open("up.v1.mkfile", POST, mkfile),
  init: open("up.v2.init", POST, initiateUpload),
  part: open("up.v2.part", ["PUT"], uploadPart),
  complete: open("up.v2.complete", POST, completeUpload),
  listParts: open("up.v2.list", GET, listParts),
  abort: open("up.v2.abort", ["DELETE"], abortUpload),
  admin: open("admin", ["GET", "POST", "DELETE"], adminRoute),
  unknown: open("unknown", [], async () => errors.notFound()),
} satisfies Record<string, Route>;

/** The single-object operations of rs; stat also answers GET. */
const objectRoutes: Record<string, Route> = Object.fromEntries(
  operationNames.map((name) => [
    name,
    signed(`rs.${name}`, name === "stat" ? GET_POST : POST, objectRoute),
  ]),
);

/** The route of a path, by its first segments; `undefined` when no API route has that shape. */
function apiRoute(segments: readonly string[], method: string): Route | undefined {
  const [first = "", second] = segments;
  const count = segments.length;
  if (Object.hasOwn(objectRoutes, first)) return objectRoutes[first];
  switch (first) {
    case "":
      return count === 1 ? routes.form : undefined;
    case "v2":
    case "v3":
    case "v4":
      if (count !== 2) return undefined;
      if (second === "query" && first !== "v2") return routes.query;
      if (second === "domains" && first !== "v4") return routes.domains;
      if (second === "bucketInfo" && first === "v2") return routes.bucketInfo;
      if (second === "list" && first === "v2") return routes.listV2;
      return undefined;
    case "buckets":
      return bucketsRoute(segments, method);
    case "mkbucketv3":
    case "mkbucket":
      return routes.mkbucket;
    case "image":
    case "unimage":
      return routes.image;
    case "regions":
    case "drop":
    case "private":
    case "domain":
    case "publish":
    case "unpublish":
    case "batch":
    case "list":
    case "fetch":
    case "prefetch":
    case "mkblk":
    case "bput":
    case "mkfile":
      return routes[first];
    case "__emulator":
      return routes.admin;
    default:
      return undefined;
  }
}

/** `/buckets` (list) and the multipart upload routes under `/buckets/<bucket>/objects/…`. */
function bucketsRoute(segments: readonly string[], method: string): Route | undefined {
  if (segments.length === 1) return routes.buckets;
  if (segments[2] !== "objects" || segments[4] !== "uploads") return undefined;
  switch (segments.length) {
    case 5:
      return routes.init;
    case 6:
      return method === "GET" || method === "HEAD"
        ? routes.listParts
        : method === "DELETE"
          ? routes.abort
          : routes.complete;
    case 7:
      return routes.part;
    default:
      return undefined;
  }
}

/**
 * Finds the route of a request: a download on a host-form domain, an API route, a download on a
 * path-form or default domain, or `unknown` (404). A known route asked with another method gets
 * 405 under the route's name.
 *
 * @param exchange - The request.
 * @returns The route to count the request under and to run.
 */
export function resolveRoute(exchange: Exchange): Route {
  const { method, segments } = exchange;
  const isGet = method === "GET" || method === "HEAD";
  const downloadRoute = (): Route | undefined => {
    const target = isGet ? downloadTarget(exchange) : undefined;
    return target === undefined
      ? undefined
      : open("io.download", GET, async (ex) => download(ex, target));
  };

  // A host-form domain owns every path of its host.
  if (isGet && !exchange.ctx.hosts.includes(exchange.host.toLowerCase())) {
    const target = downloadTarget(exchange);
    if (
      target !== undefined &&
      exchange.ctx.catalog.domain(exchange.host.toLowerCase()) !== undefined
    ) {
      return open("io.download", GET, async (ex) => download(ex, target));
    }
  }

  const api = apiRoute(segments, method);
  if (api !== undefined) {
    if (api.methods.includes(method)) return api;
    return open(api.name, api.methods, async (): Promise<Reply> => errors.badMethod());
  }
  return downloadRoute() ?? routes.unknown;
}
