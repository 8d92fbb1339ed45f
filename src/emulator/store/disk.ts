import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import {
  copyFile,
  link,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import type { ZodMiniType } from "zod/mini";
import { check } from "../../schema.ts";
import { bucketRecordSchema, domainRecordSchema, objectRecordSchema } from "./schemas.ts";
import type { Store, StoredState } from "./types.ts";

/**
 * Creates a store in a directory. Every file is written to `tmp/`, then renamed into place, so a
 * crash of the process leaves either the old file or the new one, never half of one. An object is
 * committed by the rename of its metadata file, which names a blob written before it. Files are
 * not flushed to the disk: what the kernel holds outlives the process, and an emulator need not
 * survive a crash of the machine, which flushing would make every upload wait for.
 *
 * Layout: `catalog.json` (buckets, domains), `objects/<bucket>/<sha1 of key>.json`,
 * `blobs/<id>`, `tmp/`.
 *
 * @param dir - The data directory; created when missing.
 * @returns The store.
 * @example
 * const store = await createDiskStore("./.kodo-data");
 */
export async function createDiskStore(dir: string): Promise<Store> {
  const paths = {
    catalog: join(dir, "catalog.json"),
    objects: join(dir, "objects"),
    blobs: join(dir, "blobs"),
    tmp: join(dir, "tmp"),
  };
  await rm(paths.tmp, { recursive: true, force: true });
  for (const path of [paths.objects, paths.blobs, paths.tmp])
    await mkdir(path, { recursive: true });

  // Writes to the same file run one after the other, so the last call wins on disk too.
  const queues = new Map<string, Promise<void>>();
  const serialized = (path: string, write: () => Promise<void>): Promise<void> => {
    const next = (queues.get(path) ?? Promise.resolve()).then(write, write);
    queues.set(path, next);
    const forget = () => {
      if (queues.get(path) === next) queues.delete(path);
    };
    next.then(forget, forget);
    return next;
  };

  const temporary = () => join(paths.tmp, randomUUID());
  const atomicWrite = (path: string, data: string | Uint8Array) =>
    serialized(path, async () => {
      const tmp = temporary();
      await writeFile(tmp, data);
      await rename(tmp, path);
    });
  const objectPath = (bucket: string, key: string) =>
    join(paths.objects, bucket, `${createHash("sha1").update(key).digest("hex")}.json`);
  const blobPath = (id: string) => {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error(`bad blob id ${id}`);
    return join(paths.blobs, id);
  };

  return {
    load: () => loadState(paths.catalog, paths.objects),

    saveCatalog: (buckets, domains) =>
      atomicWrite(paths.catalog, JSON.stringify({ version: 1, buckets, domains })),

    async saveObject(bucket, record) {
      await mkdir(join(paths.objects, bucket), { recursive: true });
      await atomicWrite(objectPath(bucket, record.key), JSON.stringify(record));
    },

    deleteObject: (bucket, key) => {
      const path = objectPath(bucket, key);
      return serialized(path, () => rm(path, { force: true }));
    },

    deleteBucketObjects: (bucket) =>
      rm(join(paths.objects, bucket), { recursive: true, force: true }),

    async writeBlob(bytes, options) {
      const id = randomUUID();
      if (options?.scratch === true) {
        await writeFile(blobPath(id), bytes);
        return id;
      }
      const tmp = temporary();
      await writeFile(tmp, bytes);
      await rename(tmp, blobPath(id));
      return id;
    },

    // A blob joined from others is a directory of hard links to them, in order: no byte is
    // copied, and the parts' own names can go once the upload is over. Where links cannot be
    // made (another file system), the parts are copied instead.
    async concatBlobs(ids) {
      const id = randomUUID();
      const tmp = temporary();
      await mkdir(tmp);
      for (const [index, part] of ids.entries()) {
        const piece = join(tmp, String(index).padStart(6, "0"));
        await link(blobPath(part), piece).catch(() => copyFile(blobPath(part), piece));
      }
      await rename(tmp, blobPath(id));
      return id;
    },

    async *readBlob(id, start, end) {
      if (end <= start) return;
      const path = blobPath(id);
      const pieces = (await stat(path)).isDirectory()
        ? (await readdir(path)).sort().map((name) => join(path, name))
        : [path];

      // The range, piece by piece: each piece covers [offset, offset + its size).
      let offset = 0;
      for (const piece of pieces) {
        if (offset >= end) return;
        const size = (await stat(piece)).size;
        const from = Math.max(start, offset);
        const to = Math.min(end, offset + size);
        if (from < to)
          yield* createReadStream(piece, { start: from - offset, end: to - offset - 1 });
        offset += size;
      }
    },

    deleteBlob: (id) => rm(blobPath(id), { recursive: true, force: true }),

    async sweepBlobs(keep) {
      for (const name of await readdir(paths.blobs)) {
        if (!keep.has(name)) await rm(join(paths.blobs, name), { recursive: true, force: true });
      }
    },
  };
}

/** Reads the catalog and every object's metadata; files that do not read as records are skipped. */
async function loadState(catalogPath: string, objectsDir: string): Promise<StoredState> {
  const state: StoredState = { buckets: [], domains: [], objects: [] };
  const catalog = await readJson(catalogPath);
  if (typeof catalog === "object" && catalog !== null) {
    if ("buckets" in catalog) state.buckets = validItems(bucketRecordSchema, catalog.buckets);
    if ("domains" in catalog) state.domains = validItems(domainRecordSchema, catalog.domains);
  }

  // Objects of buckets no longer in the catalog were being dropped: finish the job.
  const known = new Set(state.buckets.map((bucket) => bucket.name));
  for (const bucket of await readdir(objectsDir)) {
    const dir = join(objectsDir, bucket);
    if (!known.has(bucket)) {
      await rm(dir, { recursive: true, force: true });
      continue;
    }
    for (const name of await readdir(dir)) {
      const record = check(objectRecordSchema, await readJson(join(dir, name)));
      if (record.ok) state.objects.push({ bucket, record: record.value });
    }
  }
  return state;
}

/** The items of a list that pass a schema. */
function validItems<T>(schema: ZodMiniType<T>, list: unknown): T[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item) => {
    const checked = check(schema, item);
    return checked.ok ? [checked.value] : [];
  });
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch {
    return undefined;
  }
}
