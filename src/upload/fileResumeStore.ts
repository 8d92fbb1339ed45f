import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ResumeState, ResumeStore } from "./uploadTypes.ts";

/** The folder `putFile` keeps its resume states in unless told otherwise. */
export function defaultResumeDir(): string {
  return join(tmpdir(), "qiniu-kit-resume");
}

/**
 * A resume store that keeps one JSON file per upload in a folder, each written atomically (a
 * temporary file, then a rename) and readable by its owner only, so that a process killed at any
 * moment resumes from its last finished part. Node, Deno and Bun.
 *
 * @param dir - The folder (created when missing); the system's temporary folder by default.
 * @returns The store.
 * @example
 * const resumeStore = createFileResumeStore("./.resume");
 * await putFile(client, "backup.tar", "/var/backup.tar", { resumeStore });
 */
export function createFileResumeStore(dir: string = defaultResumeDir()): ResumeStore {
  const file = (id: string) => join(dir, `${id.replace(/[^\w.-]/g, "_")}.json`);
  return {
    async get(id) {
      try {
        return JSON.parse(await readFile(file(id), "utf8")) as ResumeState;
      } catch {
        return undefined;
      }
    },
    async set(id, state) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const temporary = `${file(id)}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(temporary, JSON.stringify(state), { mode: 0o600 });
      await rename(temporary, file(id));
    },
    async delete(id) {
      await rm(file(id), { force: true });
    },
  };
}
