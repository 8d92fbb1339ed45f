import type { Store } from "./types.ts";

/**
 * Creates a store that keeps blobs in memory; metadata lives in the catalog only, so saving it
 * costs nothing.
 *
 * @returns The store; its data goes when the process ends.
 * @example
 * const store = createMemoryStore();
 * const id = await store.writeBlob(new TextEncoder().encode("hello"));
 */
export function createMemoryStore(): Store {
  const blobs = new Map<string, Uint8Array>();

  const blob = (id: string): Uint8Array => {
    const bytes = blobs.get(id);
    if (bytes === undefined) throw new Error(`blob ${id} is missing`);
    return bytes;
  };

  return {
    load: async () => ({ buckets: [], domains: [], objects: [] }),
    saveCatalog: async () => {},
    saveObject: async () => {},
    deleteObject: async () => {},
    deleteBucketObjects: async () => {},

    async writeBlob(bytes) {
      const id = crypto.randomUUID();
      blobs.set(id, bytes.slice());
      return id;
    },

    async concatBlobs(ids) {
      const parts = ids.map(blob);
      const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
      let offset = 0;
      for (const part of parts) {
        out.set(part, offset);
        offset += part.length;
      }
      const id = crypto.randomUUID();
      blobs.set(id, out);
      return id;
    },

    async *readBlob(id, start, end) {
      const bytes = blob(id);
      const stop = Math.min(end, bytes.length);
      // Large reads go out in 1 MiB pieces so that a slow reader does not hold a copy.
      for (let at = start; at < stop; at += 1 << 20) {
        yield bytes.subarray(at, Math.min(stop, at + (1 << 20)));
      }
    },

    async deleteBlob(id) {
      blobs.delete(id);
    },

    async sweepBlobs(keep) {
      for (const id of blobs.keys()) if (!keep.has(id)) blobs.delete(id);
    },
  };
}
