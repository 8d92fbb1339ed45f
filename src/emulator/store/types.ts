/** A bucket as the emulator keeps it. */
export interface BucketRecord {
  name: string;
  private: boolean;
  region: string;
  /** Unix seconds of creation. */
  ctime: number;
  /** The mirror source set with `/image`, fetched by `prefetch`. */
  mirror?: { source: string; host?: string | undefined } | undefined;
}

/** A download domain bound to a bucket through the domain API or `publish`. */
export interface DomainRecord {
  /** `host[:port]` (host form) or `host[:port]/alias` (path form). */
  name: string;
  bucket: string;
  online: boolean;
  /** Unix seconds. */
  ctime: number;
  utime: number;
}

/** Lifecycle settings of an object, in days after upload (absent: none). */
export interface ObjectLifecycle {
  toIAAfterDays?: number | undefined;
  toArchiveIRAfterDays?: number | undefined;
  toArchiveAfterDays?: number | undefined;
  toDeepArchiveAfterDays?: number | undefined;
  deleteAfterDays?: number | undefined;
}

/** An object's metadata; its bytes are the blob it names. */
export interface ObjectRecord {
  key: string;
  /** The id of the blob holding the bytes; blobs never change, several objects may share one. */
  blob: string;
  fsize: number;
  hash: string;
  /** Hex MD5, kept for form uploads only, as the service does. */
  md5?: string | undefined;
  mimeType: string;
  /** 100 ns units since the epoch. */
  putTime: number;
  /** Storage class: 0 standard, 1 IA, 2 archive, 3 deep archive, 4 archive-IR. */
  type: number;
  /** 0 enabled, 1 disabled. */
  status: number;
  endUser?: string | undefined;
  /** `x-qn-meta-*` metadata, names without the prefix. */
  meta: Record<string, string>;
  lifecycle?: ObjectLifecycle | undefined;
  /** 1 restoring, 2 restored (archive classes). */
  restoreStatus?: number | undefined;
  /** Part sizes of a multipart upload. */
  parts?: number[] | undefined;
}

/** Everything a store holds apart from blob bytes. */
export interface StoredState {
  buckets: BucketRecord[];
  domains: DomainRecord[];
  objects: Array<{ bucket: string; record: ObjectRecord }>;
}

/**
 * Where the emulator keeps its data: in memory, or in a directory where every write is atomic
 * (a temporary file, then a rename).
 */
export interface Store {
  /** Reads what was saved before (nothing for a new store). */
  load(): Promise<StoredState>;
  /** Saves the buckets and the domains. */
  saveCatalog(buckets: readonly BucketRecord[], domains: readonly DomainRecord[]): Promise<void>;
  /** Saves an object's metadata; writes to one key land in call order. */
  saveObject(bucket: string, record: ObjectRecord): Promise<void>;
  deleteObject(bucket: string, key: string): Promise<void>;
  /** Removes the metadata of every object of a bucket. */
  deleteBucketObjects(bucket: string): Promise<void>;
  /**
   * Stores bytes in a new blob and returns its id. A `scratch` blob (a part or chunk of an upload
   * in progress) need not survive a crash: upload sessions live in memory, so a restart loses
   * them and sweeps their blobs anyway; it is written in place, with no rename.
   */
  writeBlob(bytes: Uint8Array, options?: { scratch?: boolean }): Promise<string>;
  /** Stores the bytes of several blobs, end to end, in a new blob and returns its id. */
  concatBlobs(ids: readonly string[]): Promise<string>;
  /** Reads bytes `start` (included) to `end` (excluded) of a blob. */
  readBlob(id: string, start: number, end: number): AsyncIterable<Uint8Array>;
  deleteBlob(id: string): Promise<void>;
  /** Deletes every blob not in `keep` (left by a crash or by uploads never completed). */
  sweepBlobs(keep: ReadonlySet<string>): Promise<void>;
}
