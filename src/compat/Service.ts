import { drop } from "../buckets/drop.ts";
import { publish } from "../buckets/publish.ts";
import { unpublish } from "../buckets/unpublish.ts";
import { type Client, createClient } from "../client.ts";
import { get } from "../objects/get.ts";
import { getIfNotModified } from "../objects/getIfNotModified.ts";
import { remove } from "../objects/remove.ts";
import { stat } from "../objects/stat.ts";
import type { UploadBody } from "../upload/byteSource.ts";
import { put } from "../upload/put.ts";
import { putAuth } from "../upload/putAuth.ts";
import { putFile } from "../upload/putFile.ts";
import { conf } from "./conf.ts";
import { type CompatCallback, respond } from "./respond.ts";

/** The connection of the classic SDK: it signs with `conf`'s keys at each call. */
export class DigestAuthClient {}

type Callback = CompatCallback<Record<string, unknown>>;

/**
 * The classic SDK's bucket service: the eleven calls of its guide, each adapting one function of
 * qiniu-kit and calling back with `{ code, data }` or `{ code, error }`.
 *
 * @example
 * const rs = new qiniu.rs.Service(new qiniu.digestauth.Client(), "my-bucket");
 * rs.stat("a.txt", (resp) => console.log(resp.code, resp.data));
 */
export class Service {
  readonly conn: DigestAuthClient;
  readonly bucket: string;

  constructor(conn: DigestAuthClient, bucket: string) {
    this.conn = conn;
    this.bucket = bucket;
  }

  /** The last client made, and the settings it was made from. */
  #last: { settings: string; client: Client } | undefined;

  /**
   * The client of one call, from the settings as they are now: the same client while they stay
   * the same, so that what it found out (a bucket's domain) serves the calls after.
   */
  client(): Client {
    const options = {
      accessKey: conf.ACCESS_KEY,
      secretKey: conf.SECRET_KEY,
      bucket: this.bucket,
      ucHost: conf.UC_HOST,
      useHttps: /^https?:\/\//i.test(conf.UC_HOST) ? undefined : conf.USE_HTTPS,
      domain: conf.DOMAIN === "" ? undefined : conf.DOMAIN,
    };
    const settings = JSON.stringify(options);
    if (this.#last?.settings !== settings) this.#last = { settings, client: createClient(options) };
    return this.#last.client;
  }

  /** Gives an upload URL and token valid for an hour. */
  putAuth(callback: Callback): void {
    this.putAuthEx(3600, undefined, callback);
  }

  /** Gives an upload URL and token valid for `expiresIn` seconds, with a callback URL. */
  putAuthEx(expiresIn: number, callbackUrl: string | undefined, callback: Callback): void {
    const auth = this.safely(() => putAuth(this.client(), { expiresIn, callbackUrl }));
    respond(auth, callback, ({ expiresIn, url, token }) => ({ expiresIn, url, token }));
  }

  /** Uploads `bytes` bytes of a stream. */
  put(
    key: string,
    mimeType: string | null,
    fp: UploadBody,
    bytes: number,
    callback: Callback,
  ): void {
    const options = { mimeType: mimeType ?? undefined, size: bytes };
    respond(
      this.safely(() => put(this.client(), key, fp, options)),
      callback,
      ({ hash }) => ({ hash }),
    );
  }

  /** Uploads a local file. */
  putFile(key: string, mimeType: string | null, localFile: string, callback: Callback): void {
    const options = { mimeType: mimeType ?? undefined };
    const uploaded = this.safely(() => putFile(this.client(), key, localFile, options));
    respond(uploaded, callback, ({ hash }) => ({ hash }));
  }

  /** Gives an object's size, hash, MIME type and write time. */
  stat(key: string, callback: Callback): void {
    const info = this.safely(() => stat(this.client(), key));
    respond(info, callback, ({ fsize, hash, mimeType, putTime }) => ({
      fsize,
      hash,
      mimeType,
      putTime,
    }));
  }

  /** Gives an object's attributes and a download URL that saves as `saveAs`. */
  get(key: string, saveAs: string | null, callback: Callback): void {
    const link = this.safely(() => get(this.client(), key, { saveAs: saveAs ?? undefined }));
    respond(link, callback, downloadFields);
  }

  /** As `get`, only while the object's hash is still `baseVer`. */
  getIfNotModified(key: string, saveAs: string | null, baseVer: string, callback: Callback): void {
    const options = { saveAs: saveAs ?? undefined };
    const link = this.safely(() => getIfNotModified(this.client(), key, baseVer, options));
    respond(link, callback, downloadFields);
  }

  /** Binds a download domain to the bucket. */
  publish(domain: string, callback: Callback): void {
    respond(
      this.safely(() => publish(this.client(), domain)),
      callback,
      () => undefined,
    );
  }

  /** Unbinds a download domain. */
  unpublish(domain: string, callback: Callback): void {
    respond(
      this.safely(() => unpublish(this.client(), domain)),
      callback,
      () => undefined,
    );
  }

  /** Deletes an object. */
  remove(key: string, callback: Callback): void {
    respond(
      this.safely(() => remove(this.client(), key)),
      callback,
      () => undefined,
    );
  }

  /** Deletes every object and then the bucket. */
  drop(callback: Callback): void {
    respond(
      this.safely(() => drop(this.client())),
      callback,
      () => undefined,
    );
  }

  /** Runs a call; bad settings, which `createClient` throws for, become a rejected promise. */
  private async safely<T>(call: () => Promise<T>): Promise<T> {
    return call();
  }
}

function downloadFields(data: {
  fsize: number;
  hash: string;
  mimeType: string;
  expires: number | undefined;
  url: string;
}): Record<string, unknown> {
  const { fsize, hash, mimeType, expires, url } = data;
  return { fsize, hash, mimeType, expires: expires ?? 3600, url };
}
