import type { IncomingMessage } from "node:http";
import type { Credentials } from "../auth/credentials.ts";
import type { Catalog } from "./catalog.ts";
import type { Faults } from "./faults.ts";
import type { RequestBody } from "./http/body.ts";
import type { Reply } from "./http/reply.ts";
import type { Recorder } from "./stats.ts";
import type { UploadSessions } from "./upload/sessions.ts";

/** What every route can reach: the data, the keys and the server's own names. */
export interface EmulatorContext {
  readonly catalog: Catalog;
  readonly uploads: UploadSessions;
  readonly credentials: Credentials;
  readonly faults: Faults;
  readonly recorder: Recorder;
  /** The server's own `host:port` names, the first one canonical. */
  readonly hosts: readonly string[];
  readonly port: number;
  readonly callbackTimeoutMs: number;
}

/** One request as the routes see it. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly ctx: EmulatorContext;
  /** Upper case. */
  readonly method: string;
  /** The path and query exactly as sent. */
  readonly rawUrl: string;
  /** The path segments after the first `/`, still percent-encoded. */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  /** The `Host` header, or the canonical host when it is missing. */
  readonly host: string;
  readonly body: RequestBody;
}

/** A route: its name (used by stats and faults), how it is authorised, and its handler. */
export interface Route {
  readonly name: string;
  /** `manage`: a Qiniu or QBox signature; `none`: checked by the handler (tokens) or open. */
  readonly auth: "manage" | "none";
  readonly methods: readonly string[];
  /** Answers the request; `payload` is the body already read for `manage` routes. */
  readonly handle: (exchange: Exchange, payload: Uint8Array) => Promise<Reply>;
}

/** A header's value as one string (repeated headers joined), or `undefined`. */
export function header(exchange: Exchange, name: string): string | undefined {
  const value = exchange.req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** Every header of a request, repeated ones joined, by lower-case name. */
export function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}
