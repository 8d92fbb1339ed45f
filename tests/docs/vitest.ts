// What the samples of the docs import as "vitest": the functions a test file calls, collected
// while the sample loads and run in order by `runCollected`, inside the docs' own test. Hooks
// are supported at the top level, which is where the samples put them.
import { expect } from "vitest";

export { expect };

type Work = () => unknown;

interface Collected {
  tests: { name: string; run: Work }[];
  beforeAll: Work[];
  afterAll: Work[];
  beforeEach: Work[];
  afterEach: Work[];
  suites: string[];
}

const fresh = (): Collected => ({
  tests: [],
  beforeAll: [],
  afterAll: [],
  beforeEach: [],
  afterEach: [],
  suites: [],
});
let collected = fresh();

function hook(kind: "beforeAll" | "afterAll" | "beforeEach" | "afterEach") {
  return (work: Work): void => {
    if (collected.suites.length > 0) throw new Error(`${kind} inside describe is not supported`);
    collected[kind].push(work);
  };
}

export const beforeAll = hook("beforeAll");
export const afterAll = hook("afterAll");
export const beforeEach = hook("beforeEach");
export const afterEach = hook("afterEach");

/** Groups tests under a name. */
export function describe(name: string, body: () => void): void {
  collected.suites.push(name);
  try {
    body();
  } finally {
    collected.suites.pop();
  }
}

/** Declares a test. */
export function it(name: string, run: Work): void {
  collected.tests.push({ name: [...collected.suites, name].join(" > "), run });
}
export const test = it;

/**
 * Runs what a sample declared: the `beforeAll` hooks, each test between its `beforeEach` and
 * `afterEach` hooks, then the `afterAll` hooks, whatever happened.
 *
 * @returns The names of the tests run; a failing test rejects with its name.
 */
export async function runCollected(): Promise<string[]> {
  const suite = collected;
  collected = fresh();
  const names: string[] = [];
  try {
    for (const work of suite.beforeAll) await work();
    for (const { name, run } of suite.tests) {
      try {
        for (const work of suite.beforeEach) await work();
        await run();
      } catch (error) {
        throw new Error(`the test "${name}" of the sample failed`, { cause: error });
      } finally {
        for (const work of suite.afterEach) await work();
      }
      names.push(name);
    }
  } finally {
    for (const work of suite.afterAll) await work();
  }
  return names;
}
