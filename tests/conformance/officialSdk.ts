import qiniu from "qiniu";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../src/emulator/index.ts";

/** An emulator and the official SDK's objects pointed at it. */
export interface OfficialSdk {
  emulator: Emulator;
  mac: qiniu.auth.digest.Mac;
  config: qiniu.conf.Config;
  buckets: qiniu.rs.BucketManager;
  form: qiniu.form_up.FormUploader;
  resume: qiniu.resume_up.ResumeUploader;
  /** An upload token for a policy, signed by the official SDK. */
  token(policy: qiniu.rs.PutPolicyOptions): string;
}

/**
 * Starts an emulator and points the official `qiniu` package at it: its uc host (http, no
 * region cache on disk), its keys.
 */
export async function officialSdk(options: EmulatorOptions = {}): Promise<OfficialSdk> {
  const emulator = await startEmulator(options);
  // UC_HOST is a setter the typings leave out; assigning it sends every uc call to the emulator.
  Object.assign(qiniu.conf, { UC_HOST: emulator.hosts[0] });
  const mac = new qiniu.auth.digest.Mac(emulator.accessKey, emulator.secretKey);
  const config = new qiniu.conf.Config({ useHttpsDomain: false });
  config.regionsQueryResultCachePath = null;
  return {
    emulator,
    mac,
    config,
    buckets: new qiniu.rs.BucketManager(mac, config),
    form: new qiniu.form_up.FormUploader(config),
    resume: new qiniu.resume_up.ResumeUploader(config),
    token: (policy) => new qiniu.rs.PutPolicy(policy).uploadToken(mac),
  };
}

/** Deterministic bytes of any size: a byte pattern that does not repeat every 4 KiB. */
export { patternBytes as testBytes } from "../helpers/emulator.ts";
