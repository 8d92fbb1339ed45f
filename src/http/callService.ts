import type { Client, ServiceName } from "../client.ts";
import { resolveHosts } from "../region/resolveHosts.ts";
import { fail, ok, type Result } from "../result.ts";
import type { ResponseSchema } from "../schema.ts";
import type { HttpReply } from "./attempt.ts";
import type { RequestAuth } from "./authorize.ts";
import { type RawData, type RawExpectation, type RequestSpecBase, request } from "./request.ts";

/** A request to one of the client's services: the hosts are found, the signature is Qiniu's. */
export type ServiceSpec = Omit<RequestSpecBase, "hosts" | "auth"> & {
  /** Qiniu's signature with the client's keys unless said otherwise. */
  auth?: RequestAuth | undefined;
};

/**
 * Sends a request to a service of the client's region, signed with the client's keys, and
 * checks its JSON answer against `schema`.
 *
 * @returns The checked data with its status and headers, or the error.
 */
export async function callJson<T>(
  client: Client,
  service: ServiceName,
  spec: ServiceSpec & { schema: ResponseSchema<T> },
): Promise<Result<HttpReply<T>>> {
  const placed = await place(client, service, spec);
  return placed.ok ? request(client, placed.data) : placed;
}

/**
 * Sends a request to a service of the client's region, signed with the client's keys, whose
 * answer is ignored, or read as text or bytes.
 */
export async function callRaw<E extends RawExpectation>(
  client: Client,
  service: ServiceName,
  spec: ServiceSpec & { expect: E },
): Promise<Result<HttpReply<RawData[E]>>> {
  const placed = await place(client, service, spec);
  return placed.ok ? request(client, placed.data) : placed;
}

/** The spec with the service's hosts and the client's signature, unless it names its own. */
async function place<S extends ServiceSpec>(
  client: Client,
  service: ServiceName,
  spec: S,
): Promise<Result<S & { hosts: string[]; auth: RequestAuth }>> {
  const hosts = await resolveHosts(client, service, { signal: spec.signal });
  if (!hosts.ok) return fail(hosts.error);
  return ok({
    ...spec,
    hosts: hosts.data,
    auth: spec.auth ?? { type: "qiniu", credentials: client },
  });
}

/** Keeps only the data of a reply. */
export function dataOf<T>(result: Result<HttpReply<T>>): Result<T> {
  return result.ok ? ok(result.data.data) : result;
}
