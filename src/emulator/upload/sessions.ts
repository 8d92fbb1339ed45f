import { randomBytes } from "node:crypto";
import type { Store } from "../store/types.ts";

/** How long a v1 ctx and a v2 uploadId stay valid, in seconds (7 days, as the service says). */
export const sessionLifetime = 7 * 86_400;

/** The state of a v1 block after one mkblk or bput: each ctx is a snapshot of its block. */
export interface BlockContext {
  ctx: string;
  /** Shared by the ctxs of one block, so that the block's chunks can be freed together. */
  blockId: string;
  bucket: string;
  blockSize: number;
  /** Bytes of the block received so far. */
  offset: number;
  /** The blobs of the chunks so far, in order. */
  chunks: string[];
  /** Unix seconds. */
  expiredAt: number;
  /** The block's raw v1 etag, once the block is complete. */
  digest?: Uint8Array | undefined;
}

/** A part of a multipart upload. */
export interface UploadPart {
  blob: string;
  size: number;
  /** The part's v1 etag, what the client sends back at completion. */
  etag: string;
  digest: Uint8Array;
  md5: string;
  /** Unix seconds. */
  putTime: number;
}

/** A multipart (v2) upload in progress. */
export interface MultipartUpload {
  id: string;
  bucket: string;
  /** The segment of the path that named the object (`~` for none). */
  encodedKey: string;
  /** The key, or `undefined` when the upload was started without one. */
  key: string | undefined;
  parts: Map<number, UploadPart>;
  /** Unix seconds. */
  expireAt: number;
}

/** The resumable uploads in progress: v1 block contexts and v2 uploads. Held in memory. */
export class UploadSessions {
  readonly contexts = new Map<string, BlockContext>();
  readonly uploads = new Map<string, MultipartUpload>();
  readonly #blocks = new Map<string, Set<string>>();
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** A fresh opaque id. */
  static newId(bytes = 24): string {
    return randomBytes(bytes).toString("base64url");
  }

  /** Keeps a block snapshot under a new ctx. */
  addContext(context: Omit<BlockContext, "ctx">): BlockContext {
    const full = { ...context, ctx: UploadSessions.newId() };
    this.contexts.set(full.ctx, full);
    let ctxs = this.#blocks.get(full.blockId);
    if (ctxs === undefined) {
      ctxs = new Set();
      this.#blocks.set(full.blockId, ctxs);
    }
    ctxs.add(full.ctx);
    return full;
  }

  /** A live ctx, or `undefined` when it is unknown or expired. */
  context(ctx: string): BlockContext | undefined {
    const found = this.contexts.get(ctx);
    return found !== undefined && found.expiredAt * 1000 > Date.now() ? found : undefined;
  }

  /** Forgets every ctx of a block and deletes its chunks. */
  async releaseBlock(blockId: string): Promise<void> {
    const chunks = new Set<string>();
    for (const ctx of this.#blocks.get(blockId) ?? []) {
      for (const chunk of this.contexts.get(ctx)?.chunks ?? []) chunks.add(chunk);
      this.contexts.delete(ctx);
    }
    this.#blocks.delete(blockId);
    for (const chunk of chunks) await this.#store.deleteBlob(chunk);
  }

  /** A live upload, or `undefined`. */
  upload(id: string): MultipartUpload | undefined {
    const found = this.uploads.get(id);
    return found !== undefined && found.expireAt * 1000 > Date.now() ? found : undefined;
  }

  /** Forgets an upload and deletes its parts. */
  async releaseUpload(id: string): Promise<void> {
    const upload = this.uploads.get(id);
    if (upload === undefined) return;
    this.uploads.delete(id);
    for (const part of upload.parts.values()) await this.#store.deleteBlob(part.blob);
  }

  /** Frees what expired: blocks whose every ctx expired, and expired uploads. */
  async sweep(): Promise<void> {
    const now = Date.now();
    for (const [blockId, ctxs] of this.#blocks) {
      const live = [...ctxs].some((ctx) => (this.contexts.get(ctx)?.expiredAt ?? 0) * 1000 > now);
      if (!live) await this.releaseBlock(blockId);
    }
    for (const [id, upload] of this.uploads) {
      if (upload.expireAt * 1000 <= now) await this.releaseUpload(id);
    }
  }
}
