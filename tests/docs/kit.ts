// What the samples of the docs import as "qiniu-kit": the package, with `createClient` and
// `uploadWithToken` pointed at the emulator of the test when the sample names no host.
import {
  type Client,
  type ClientOptions,
  createClient as createKodoClient,
  type Result,
  type UploadBody,
  type UploadData,
  type UploadWithTokenOptions,
  uploadWithToken as uploadWithTokenDirectly,
} from "../../src/index.ts";

export * from "../../src/index.ts";

/** `createClient`, with `ucHost` from QINIU_UC_HOST when the options give none. */
export function createClient(options: ClientOptions): Client {
  return createKodoClient({ ...options, ucHost: options.ucHost ?? process.env.QINIU_UC_HOST });
}

/** `uploadWithToken`, with `ucHost` from QINIU_UC_HOST when the options give no host. */
export function uploadWithToken(
  token: string,
  key: string | undefined,
  body: UploadBody,
  options: UploadWithTokenOptions = {},
): Promise<Result<UploadData>> {
  const named = options.ucHost !== undefined || options.upHosts !== undefined;
  const ucHost = named ? options.ucHost : process.env.QINIU_UC_HOST;
  return uploadWithTokenDirectly(token, key, body, { ...options, ucHost });
}
