import type { PutPolicy } from "../auth/putPolicy.ts";
import { uploadToken } from "../auth/uploadToken.ts";
import type { Client } from "../client.ts";
import { stat } from "../objects/stat.ts";
import { resolveHosts } from "../region/resolveHosts.ts";
import type { UploadTarget } from "./uploadTypes.ts";

/** Policy fields a client may add to the tokens it signs for its own uploads. */
export type UploadPolicy = Partial<Omit<PutPolicy, "scope" | "deadline">>;

/** An upload target for a client that holds the secret key: it signs a fresh token as needed. */
export function clientTarget(client: Client, key: string, policy: UploadPolicy = {}): UploadTarget {
  const token = () => uploadToken(client, { ...policy, scope: `${client.bucket}:${key}` });
  return {
    transport: client,
    bucket: client.bucket,
    hosts: (signal) => resolveHosts(client, "up", { signal }),
    token,
    renewToken: token,
    holds: async (storedKey, hash, signal) => {
      const found = await stat(client, storedKey, { signal });
      return found.ok && found.data.hash === hash;
    },
  };
}
