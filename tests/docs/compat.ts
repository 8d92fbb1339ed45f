// What the samples of the docs import as "qiniu-kit/compat": the shim, pointed at the emulator
// of the test, whose callbacks the test can wait for.
import { conf, DigestAuthClient, Service } from "../../src/compat/index.ts";

type Method = (this: Service, ...args: unknown[]) => void;

let pending = 0;
let failure: unknown;
let idle: (() => void) | undefined;

/** A `Service` whose every callback is counted until it has run. */
class TrackedService extends Service {}

const methods = [
  "putAuth",
  "putAuthEx",
  "put",
  "putFile",
  "stat",
  "get",
  "getIfNotModified",
  "publish",
  "unpublish",
  "remove",
  "drop",
] as const;

for (const name of methods) {
  const original = Service.prototype[name] as unknown as Method;
  const tracked: Method = function (this: Service, ...args) {
    const callback = args.at(-1) as (response: unknown) => void;
    pending++;
    args[args.length - 1] = (response: unknown) => {
      try {
        callback(response);
      } catch (error) {
        failure ??= error;
      } finally {
        pending--;
        if (pending === 0) idle?.();
      }
    };
    original.apply(this, args);
  };
  Object.defineProperty(TrackedService.prototype, name, { value: tracked });
}

/** Points the shim at an emulator (or the config service at `ucHost`). */
export function useConfigService(ucHost: string): void {
  conf.UC_HOST = ucHost;
  pending = 0;
  failure = undefined;
}

/** Waits until every callback a sample asked for has run; rethrows what one of them threw. */
export async function settled(timeoutMs = 10_000): Promise<void> {
  if (pending > 0) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("a callback never ran")), timeoutMs);
      idle = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    idle = undefined;
  }
  if (failure !== undefined) throw failure;
}

export { conf, DigestAuthClient };
export const digestauth = { Client: DigestAuthClient };
export const rs = { Service: TrackedService };
const qiniu = { conf, digestauth, rs };
export default qiniu;
