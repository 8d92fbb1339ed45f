import type { BucketRecord, DomainRecord, ObjectRecord, Store } from "./store/types.ts";

/** A bucket with its objects. */
interface BucketState {
  record: BucketRecord;
  objects: Map<string, ObjectRecord>;
  /** The keys in order, rebuilt when a key is added or removed. */
  sorted: string[] | undefined;
}

/** Compares keys by their UTF-8 bytes (the code points' order), as the service lists them. */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Moves surrogates above the rest of the BMP, so that UTF-16 units sort as code points do. */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  return unit >= 0xe000 ? unit - 0x800 : unit;
}

/**
 * The emulator's index of buckets, objects and domains. Reads and changes of the index are
 * synchronous, so a check and the change that follows it cannot interleave with another request;
 * each change returns a promise that resolves once the store has it.
 */
export class Catalog {
  readonly store: Store;
  readonly #buckets = new Map<string, BucketState>();
  readonly #domains = new Map<string, DomainRecord>();
  /** How many objects name each blob. */
  readonly #refs = new Map<string, number>();

  private constructor(store: Store) {
    this.store = store;
  }

  /**
   * Loads what the store holds and deletes the blobs that no object names.
   *
   * @param store - Memory or disk.
   * @returns The catalog.
   */
  static async open(store: Store): Promise<Catalog> {
    const catalog = new Catalog(store);
    const state = await store.load();
    for (const record of state.buckets) {
      catalog.#buckets.set(record.name, { record, objects: new Map(), sorted: undefined });
    }
    for (const domain of state.domains) catalog.#domains.set(domain.name, domain);
    for (const { bucket, record } of state.objects) {
      const owner = catalog.#buckets.get(bucket);
      if (owner === undefined) continue;
      owner.objects.set(record.key, record);
      catalog.#ref(record.blob);
    }
    await store.sweepBlobs(new Set(catalog.#refs.keys()));
    return catalog;
  }

  // Buckets.

  buckets(): BucketRecord[] {
    return [...this.#buckets.values()].map((state) => state.record);
  }

  bucket(name: string): BucketRecord | undefined {
    return this.#buckets.get(name)?.record;
  }

  /** Adds or replaces a bucket's settings, keeping its objects. */
  saveBucket(record: BucketRecord): Promise<void> {
    const state = this.#buckets.get(record.name);
    if (state === undefined) {
      this.#buckets.set(record.name, { record, objects: new Map(), sorted: undefined });
    } else {
      state.record = record;
    }
    return this.#saveCatalog();
  }

  /** Removes a bucket, its objects and the domains bound to it. */
  async dropBucket(name: string): Promise<void> {
    const state = this.#buckets.get(name);
    if (state === undefined) return;
    this.#buckets.delete(name);
    for (const [domain, record] of this.#domains)
      if (record.bucket === name) this.#domains.delete(domain);
    const orphans = [...state.objects.values()].filter((record) => this.#unref(record.blob));

    await this.#saveCatalog();
    await this.store.deleteBucketObjects(name);
    for (const record of orphans) await this.store.deleteBlob(record.blob);
  }

  // Objects.

  /** The object, or `undefined` when it is missing or past its `deleteAfterDays`. */
  object(bucket: string, key: string): ObjectRecord | undefined {
    const record = this.#buckets.get(bucket)?.objects.get(key);
    if (record === undefined || isExpired(record)) return undefined;
    return record;
  }

  /** The keys of a bucket in listing order, expired objects left out. */
  keys(bucket: string): readonly string[] {
    const state = this.#buckets.get(bucket);
    if (state === undefined) return [];
    state.sorted ??= [...state.objects.keys()].sort(compareKeys);
    return state.sorted.filter((key) => !isExpired(state.objects.get(key)!));
  }

  /**
   * Stores an object (its blob already written), replacing the one under the same key.
   *
   * @returns `false` when the bucket is gone (dropped while the blob was being written).
   */
  async putObject(bucket: string, record: ObjectRecord): Promise<boolean> {
    const state = this.#buckets.get(bucket);
    if (state === undefined) return false;
    const old = state.objects.get(record.key);
    if (old === undefined) state.sorted = undefined;
    state.objects.set(record.key, record);
    this.#ref(record.blob);
    const orphan = old !== undefined && this.#unref(old.blob);

    // The new metadata is on disk before the old bytes go.
    await this.store.saveObject(bucket, record);
    if (orphan) await this.store.deleteBlob(old.blob);
    return true;
  }

  /** Removes an object; its blob goes when no other object names it. */
  async deleteObject(bucket: string, key: string): Promise<void> {
    const state = this.#buckets.get(bucket);
    const old = state?.objects.get(key);
    if (state === undefined || old === undefined) return;
    state.objects.delete(key);
    state.sorted = undefined;
    const orphan = this.#unref(old.blob);

    await this.store.deleteObject(bucket, key);
    if (orphan) await this.store.deleteBlob(old.blob);
  }

  /**
   * Reads bytes `start` (included) to `end` (excluded) of an object's blob, which stays whole
   * until the read is over: an object replaced or deleted meanwhile is still served as it was
   * when the read began. The blob counts as used from this call until the iteration ends, fails
   * or is given up (`return`).
   */
  readObject(record: ObjectRecord, start: number, end: number): AsyncIterable<Uint8Array> {
    const { blob } = record;
    const store = this.store;
    this.#ref(blob);
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      if (this.#unref(blob)) await store.deleteBlob(blob);
    };

    let inner: AsyncIterator<Uint8Array> | undefined;
    const iterator: AsyncIterator<Uint8Array> = {
      async next() {
        if (released) return { done: true, value: undefined };
        try {
          inner ??= store.readBlob(blob, start, end)[Symbol.asyncIterator]();
          const step = await inner.next();
          if (step.done === true) await release();
          return step;
        } catch (error) {
          await release();
          throw error;
        }
      },
      async return() {
        await inner?.return?.();
        await release();
        return { done: true, value: undefined };
      },
    };
    return { [Symbol.asyncIterator]: () => iterator };
  }

  // Domains.

  domains(): DomainRecord[] {
    return [...this.#domains.values()];
  }

  domain(name: string): DomainRecord | undefined {
    return this.#domains.get(name);
  }

  saveDomain(record: DomainRecord): Promise<void> {
    this.#domains.set(record.name, record);
    return this.#saveCatalog();
  }

  deleteDomain(name: string): Promise<void> {
    this.#domains.delete(name);
    return this.#saveCatalog();
  }

  #saveCatalog(): Promise<void> {
    return this.store.saveCatalog(this.buckets(), this.domains());
  }

  #ref(blob: string): void {
    this.#refs.set(blob, (this.#refs.get(blob) ?? 0) + 1);
  }

  /** Drops one reference; `true` when the blob is no longer named by any object. */
  #unref(blob: string): boolean {
    const count = (this.#refs.get(blob) ?? 1) - 1;
    if (count > 0) {
      this.#refs.set(blob, count);
      return false;
    }
    this.#refs.delete(blob);
    return true;
  }
}

/** Whether an object's `deleteAfterDays` has passed. */
function isExpired(record: ObjectRecord): boolean {
  const days = record.lifecycle?.deleteAfterDays;
  if (days === undefined || days <= 0) return false;
  return Date.now() >= record.putTime / 10_000 + days * 86_400_000;
}
