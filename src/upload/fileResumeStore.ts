import type { ResumeState, ResumeStore } from "./uploadTypes.ts";

// Node's modules are imported when a store is first used, not when the package is: a static
// import of any of them costs every process that imports the package a few milliseconds.

/**
 * The folder `putFile` keeps its resume states in unless told otherwise.
 *
 * @returns `qiniu-kit-resume` in the system's temporary folder.
 * @example
 * const dir = await defaultResumeDir(); // "/tmp/qiniu-kit-resume"
 */
export async function defaultResumeDir(): Promise<string> {
  const [{ tmpdir }, { join }] = await Promise.all([import("node:os"), import("node:path")]);
  return join(tmpdir(), "qiniu-kit-resume");
}

/**
 * A resume store that keeps one JSON file per upload in a folder, each written atomically (a
 * temporary file, then a rename) and readable by its owner only, so that a process killed at any
 * moment resumes from its last finished part; deleting a state also deletes the temporary files
 * such a process left. Node, Deno and Bun.
 *
 * @param dir - The folder (created when missing); the system's temporary folder by default.
 * @returns The store.
 * @example
 * const resumeStore = createFileResumeStore("./.resume");
 * await putFile(client, "backup.tar", "/var/backup.tar", { resumeStore });
 */
export function createFileResumeStore(dir?: string): ResumeStore {
  // The folder, the state's file and Node's file functions.
  const place = async (id: string) => {
    const [fs, { basename, join }] = await Promise.all([
      import("node:fs/promises"),
      import("node:path"),
    ]);
    const folder = dir ?? (await defaultResumeDir());
    const file = join(folder, `${id.replace(/[^\w.-]/g, "_")}.json`);
    return { fs, folder, file, name: basename(file), join };
  };
  return {
    async get(id) {
      try {
        const { fs, file } = await place(id);
        return JSON.parse(await fs.readFile(file, "utf8")) as ResumeState;
      } catch {
        return undefined;
      }
    },
    async set(id, state) {
      const { fs, folder, file } = await place(id);
      await fs.mkdir(folder, { recursive: true, mode: 0o700 });
      const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
      await fs.writeFile(temporary, JSON.stringify(state), { mode: 0o600 });
      await fs.rename(temporary, file);
    },
    async delete(id) {
      const { fs, folder, file, name, join } = await place(id);
      await fs.rm(file, { force: true });
      // A process killed between writing a temporary file and renaming it left that file behind.
      const names = await fs.readdir(folder).catch(() => [] as string[]);
      for (const left of names.filter((n) => n.startsWith(`${name}.`) && n.endsWith(".tmp"))) {
        await fs.rm(join(folder, left), { force: true });
      }
    },
  };
}
