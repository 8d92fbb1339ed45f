import type { KodoIssue } from "../errors.ts";
import { check, describeIssues, type ResponseSchema } from "../schema.ts";
import { describeThrown } from "./failure.ts";

/** What reading a successful response's body gave. */
export type ReadOutcome<T> =
  | { ok: true; data: T }
  | {
      ok: false;
      message: string;
      issues: KodoIssue[];
      /** Reading again may give another answer (a body cut short, say). */
      transient: boolean;
    };

/** Turns the body of a successful response into data. */
export type BodyReader<T> = (response: Response) => Promise<ReadOutcome<T>>;

/**
 * Lets go of a body that will not be read, without an unhandled rejection.
 *
 * @param response - A response whose body is not needed.
 * @returns Nothing; the cancellation runs on its own.
 * @example
 * if (response.status === 204) discardBody(response);
 */
export function discardBody(response: Response): void {
  if (response.body === null || response.bodyUsed) return;
  response.body.cancel().catch(() => undefined);
}

/**
 * Reads a JSON body and checks it against a schema.
 *
 * @param schema - The zod/mini schema of the body, built already or on first use; extra fields
 *   are the schema's business.
 * @returns A reader. A body that is not JSON was most likely cut short, so that failure is
 *   transient; a body of the wrong shape is the service's answer, so that one is not.
 * @example
 * const reader = jsonReader(z.object({ hash: z.string() }));
 */
export function jsonReader<T>(schema: ResponseSchema<T>): BodyReader<T> {
  return async (response) => {
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      const issues = [{ path: [], message: describeThrown(error) }];
      return { ok: false, message: "the response body is not JSON", issues, transient: true };
    }

    // A schema loaded already is used at once, without a further await.
    const built = "load" in schema ? (schema.loaded ?? (await schema.load())) : schema;
    const checked = check(built, json);
    if (checked.ok) return { ok: true, data: checked.value };
    const message = `unexpected response: ${describeIssues(checked.issues)}`;
    return { ok: false, message, issues: checked.issues, transient: false };
  };
}

/**
 * Reads a body as text.
 *
 * @param response - A successful response.
 * @returns The text.
 * @example
 * const reader: BodyReader<string> = textReader;
 */
export const textReader: BodyReader<string> = async (response) => ({
  ok: true,
  data: await response.text(),
});

/**
 * Reads a body as bytes.
 *
 * @param response - A successful response.
 * @returns The bytes.
 * @example
 * const reader: BodyReader<Uint8Array> = bytesReader;
 */
export const bytesReader: BodyReader<Uint8Array> = async (response) => ({
  ok: true,
  data: new Uint8Array(await response.arrayBuffer()),
});

/**
 * Ignores a body and releases it.
 *
 * @param response - A successful response.
 * @returns `undefined` as the data.
 * @example
 * const reader: BodyReader<undefined> = emptyReader;
 */
export const emptyReader: BodyReader<undefined> = async (response) => {
  discardBody(response);
  return { ok: true, data: undefined };
};
