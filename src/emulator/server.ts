import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:http";
import * as z from "zod/mini";
import { invalidInput } from "../errors.ts";
import { check, describeIssues } from "../schema.ts";
import { Catalog } from "./catalog.ts";
import type { EmulatorContext } from "./exchange.ts";
import { Faults, faultRuleSchema } from "./faults.ts";
import { createHandler } from "./handle.ts";
import { bucketNameProblem } from "./routes/uc.ts";
import { Recorder } from "./stats.ts";
import { createDiskStore } from "./store/disk.ts";
import { createMemoryStore } from "./store/memory.ts";
import type { BucketOption, Emulator, EmulatorOptions } from "./types.ts";
import { UploadSessions } from "./upload/sessions.ts";

const bucketSchema = z.union([
  z.string(),
  z.object({
    name: z.string(),
    private: z.optional(z.boolean()),
    region: z.optional(z.string().check(z.regex(/^[a-z0-9-]{1,32}$/))),
  }),
]);

const optionsSchema = z.object({
  port: z.optional(z.int().check(z.minimum(0), z.maximum(65_535))),
  host: z.optional(z.string().check(z.minLength(1))),
  accessKey: z.optional(z.string().check(z.regex(/^[^:\s]+$/))),
  secretKey: z.optional(z.string().check(z.minLength(1))),
  buckets: z.optional(z.array(bucketSchema)),
  dataDir: z.optional(z.string().check(z.minLength(1))),
  faults: z.optional(z.array(faultRuleSchema)),
  logRequests: z.optional(z.custom<(line: string) => void>((value) => typeof value === "function")),
  callbackTimeoutMs: z.optional(z.int().check(z.positive())),
});

/**
 * Starts a local Kodo: one HTTP port that answers the up, rs, rsf, io, uc and api routes, with
 * uploads, management, listing, downloads and faults, faithful enough for the official SDKs.
 *
 * @param options - Port, keys, buckets, a data directory, faults, a request log.
 * @returns The running emulator; rejects with an `invalid_input` KodoError for bad options.
 * @example
 * const emulator = await startEmulator({ buckets: ["photos"] });
 * const client = createClient({
 *   accessKey: emulator.accessKey,
 *   secretKey: emulator.secretKey,
 *   bucket: "photos",
 *   ucHost: emulator.url,
 * });
 * // …
 * await emulator.stop();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const checked = check(optionsSchema, options);
  if (!checked.ok)
    throw invalidInput(`emulator options: ${describeIssues(checked.issues)}`, checked.issues);
  const buckets = (options.buckets ?? []).map(
    (b): BucketOption => (typeof b === "string" ? { name: b } : b),
  );
  for (const bucket of buckets) {
    const problem = bucketNameProblem(bucket.name);
    if (problem !== undefined)
      throw invalidInput(`emulator options: bucket ${bucket.name}: ${problem}`);
  }

  // The data, then the buckets asked for.
  const store =
    options.dataDir === undefined ? createMemoryStore() : await createDiskStore(options.dataDir);
  const catalog = await Catalog.open(store);
  for (const bucket of buckets) {
    const existing = catalog.bucket(bucket.name);
    await catalog.saveBucket({
      name: bucket.name,
      private: bucket.private ?? existing?.private ?? false,
      region: bucket.region ?? existing?.region ?? "z0",
      ctime: existing?.ctime ?? Math.floor(Date.now() / 1000),
      mirror: existing?.mirror,
    });
  }

  // The server; the context learns its port once it listens.
  const faults = new Faults();
  for (const rule of options.faults ?? []) faults.add(rule);
  const recorder = new Recorder();
  const listenHost = options.host ?? "127.0.0.1";
  const hosts: string[] = [];
  const context = {
    catalog,
    uploads: new UploadSessions(store),
    credentials: {
      accessKey: options.accessKey ?? randomBytes(30).toString("base64url"),
      secretKey: options.secretKey ?? randomBytes(30).toString("base64url"),
    },
    faults,
    recorder,
    hosts,
    port: 0,
    callbackTimeoutMs: options.callbackTimeoutMs ?? 5000,
  } satisfies EmulatorContext;
  const handler = createHandler(context, options.logRequests);
  const server = createServer(handler.listener);
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end(malformedRequest());
    socket.destroy();
  });
  server.listen(options.port ?? 0, listenHost);
  await once(server, "listening");

  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the emulator has no port");
  const port = address.port;
  const name = listenHost === "0.0.0.0" || listenHost === "::" ? "127.0.0.1" : listenHost;
  const canonical = name.includes(":") ? `[${name}]:${port}` : `${name}:${port}`;
  context.port = port;
  hosts.push(...new Set([canonical, `localhost:${port}`]));

  return {
    url: `http://${canonical}`,
    port,
    hosts: context.hosts,
    accessKey: context.credentials.accessKey,
    secretKey: context.credentials.secretKey,
    async stop() {
      const closed = once(server, "close");
      server.close();
      server.closeAllConnections();
      await closed;
      await handler.settled();
    },
    addFault(rule) {
      const problem = faults.add(rule);
      if (problem !== undefined) throw invalidInput(problem);
    },
    clearFaults: () => faults.clear(),
    stats: () => recorder.stats(),
    requests: () => recorder.requests(),
    resetStats: () => recorder.reset(),
  };
}

/** The raw answer to a request Node's parser refused (bad request line, bad headers …). */
function malformedRequest(): string {
  const body = JSON.stringify({ error: "malformed request" });
  return [
    "HTTP/1.1 400 Bad Request",
    "Content-Type: application/json",
    `X-Reqid: ${randomBytes(12).toString("base64url")}`,
    "Access-Control-Allow-Origin: *",
    "Connection: close",
    `Content-Length: ${body.length}`,
    "",
    body,
  ].join("\r\n");
}
