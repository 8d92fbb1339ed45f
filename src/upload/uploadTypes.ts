import type { Transport } from "../http/request.ts";
import type { Result } from "../result.ts";
import { lazySchema } from "../schema.ts";

/** Options every upload takes. */
export interface UploadOptions {
  /** The MIME type stored with the object (the service guesses when absent). */
  mimeType?: string | undefined;
  /** The size of a stream or iterable body, when known. */
  size?: number | undefined;
  /** Custom variables for `returnBody` and callbacks, names with or without the `x:` prefix. */
  customVars?: Record<string, string> | undefined;
  /** Metadata stored with the object, names with or without the `x-qn-meta-` prefix. */
  metadata?: Record<string, string> | undefined;
  /** The file name the service sees (`fname`); the key by default. */
  fileName?: string | undefined;
  /** Bodies up to this size go as one form upload, larger ones in parts (4 MiB by default). */
  multipartThreshold?: number | undefined;
  /** The size of each part, 1 MiB to 1 GiB (4 MiB by default, raised to stay ≤ 10,000 parts). */
  partSize?: number | undefined;
  /** How many parts are sent at the same time (4 by default). */
  concurrency?: number | undefined;
  /**
   * Called as bytes are sent: at least every 256 KiB, never going backwards, and with the total
   * exactly once, when the service has the whole object (so a stream of unknown length is
   * reported one byte short until then). Browsers cannot stream a request body over HTTP/1.1,
   * so there each request (a form, a part) is reported once it is sent.
   */
  onProgress?: ((progress: UploadProgress) => void) | undefined;
  /** Where the state of a multipart upload is kept so that it can resume. */
  resumeStore?: ResumeStore | undefined;
  /** Identifies the source for resuming (a stream has no path or mtime to tell it by). */
  resumeId?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** How far an upload has come. */
export interface UploadProgress {
  /** Bytes sent and acknowledged or in flight. */
  loaded: number;
  /** The total, when it is known. */
  total: number | undefined;
}

/** What an upload gives back. */
export interface UploadData {
  /** The key stored under: the one asked for, or the one the service chose and named. */
  key: string;
  /** Qiniu's etag of the content, checked against the one computed while sending. */
  hash: string;
  /** Size in bytes. */
  fsize: number;
  /** The service's whole answer, which a `returnBody` or a callback may have shaped. */
  response: Record<string, unknown>;
}

/** The state of an unfinished multipart upload. */
export interface ResumeState {
  version: 1;
  bucket: string;
  /** The key; empty when the service chooses it. */
  key: string;
  uploadId: string;
  /** Unix seconds after which the service forgets the upload. */
  expireAt: number;
  partSize: number;
  /** What the source was when the upload began: a changed source starts over. */
  fingerprint: string;
  parts: ResumePart[];
}

/** A part the service has acknowledged. */
export interface ResumePart {
  partNumber: number;
  etag: string;
  size: number;
  /** The part's raw v1 etag in URL-safe base64, to compute the object's etag without it. */
  digest: string;
}

/** Keeps resume states, by id. Any async key-value store will do. */
export interface ResumeStore {
  get(id: string): Promise<ResumeState | undefined>;
  set(id: string, state: ResumeState): Promise<void>;
  delete(id: string): Promise<void>;
}

/** Where an upload goes and with what token, for a client or for a holder of a token alone. */
export interface UploadTarget {
  transport: Transport;
  bucket: string;
  /** The origins of the up service, in failover order. */
  hosts(signal: AbortSignal | undefined): Promise<Result<string[]>>;
  /** The token to send now. */
  token(): Promise<Result<string>>;
  /** A new token after the service said the last one expired; absent when none can be had. */
  renewToken?: (() => Promise<Result<string>>) | undefined;
  /**
   * Tells whether the bucket already holds `key` with this hash: after a completion whose answer
   * was lost, the repeat finds the upload gone (612) although the object is stored. Absent when
   * the target cannot look (a token alone does not allow a stat).
   */
  holds?:
    | ((key: string, hash: string, signal: AbortSignal | undefined) => Promise<boolean>)
    | undefined;
}

/** The answer to an upload: any JSON object, with the hash and key when the service sent them. */
export const uploadAnswerSchema = lazySchema(() =>
  import("./uploadAnswerSchema.ts").then((m) => m.uploadAnswerSchema),
);
