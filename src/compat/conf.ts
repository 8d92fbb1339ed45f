/**
 * The settings of the classic SDK, read at each call. `UC_HOST` points the shim at another
 * config service: `"127.0.0.1:9400"` or `"http://127.0.0.1:9400"` for the emulator.
 */
export interface CompatConf {
  ACCESS_KEY: string;
  SECRET_KEY: string;
  /** The config service host, with or without a scheme (`uc.qiniuapi.com` by default). */
  UC_HOST: string;
  /** Use https for hosts given without a scheme (true by default). */
  USE_HTTPS: boolean;
  /** The download domain of `get`; the bucket's first domain when empty. */
  DOMAIN: string;
}

/** The one settings object of the shim, as `qiniu.conf` was. */
export const conf: CompatConf = {
  ACCESS_KEY: "<Please apply your access key>",
  SECRET_KEY: "<Dont send your secret key to anyone>",
  UC_HOST: "uc.qiniuapi.com",
  USE_HTTPS: true,
  DOMAIN: "",
};
