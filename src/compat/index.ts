import { conf } from "./conf.ts";
import { DigestAuthClient, Service } from "./Service.ts";

export type { CompatConf } from "./conf.ts";
export type { CompatCallback, CompatResponse } from "./respond.ts";
export { conf, DigestAuthClient, Service };

/** `qiniu.digestauth` of the classic SDK. */
export const digestauth: { Client: typeof DigestAuthClient } = { Client: DigestAuthClient };

/** `qiniu.rs` of the classic SDK. */
export const rs: { Service: typeof Service } = { Service };

/**
 * The classic SDK's module, `{ conf, digestauth, rs }`: its guide's examples run unchanged but
 * for the line that imports it.
 *
 * @example
 * import qiniu from "qiniu-kit/compat";
 * qiniu.conf.ACCESS_KEY = "…";
 * qiniu.conf.SECRET_KEY = "…";
 * const rs = new qiniu.rs.Service(new qiniu.digestauth.Client(), "my-bucket");
 * rs.stat("a.txt", (resp) => console.log(resp));
 */
const qiniu: { conf: typeof conf; digestauth: typeof digestauth; rs: typeof rs } = {
  conf,
  digestauth,
  rs,
};
export default qiniu;
