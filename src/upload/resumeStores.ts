import type { ResumeState, ResumeStore } from "./uploadTypes.ts";

/**
 * A resume store that keeps states in memory: an upload aborted in this process can resume, one
 * in another process cannot.
 *
 * @returns A fresh, empty store.
 * @example
 * const store = createMemoryResumeStore();
 * await put(client, "big.bin", stream, { resumeStore: store, resumeId: "big.bin@v3" });
 */
export function createMemoryResumeStore(): ResumeStore {
  const states = new Map<string, string>();
  return {
    get: async (id) => {
      const text = states.get(id);
      return text === undefined ? undefined : (JSON.parse(text) as ResumeState);
    },
    set: async (id, state) => {
      states.set(id, JSON.stringify(state));
    },
    delete: async (id) => {
      states.delete(id);
    },
  };
}
