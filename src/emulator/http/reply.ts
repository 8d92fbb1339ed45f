/** What a route answers: a status, headers and a body, written by the server. */
export interface Reply {
  status: number;
  headers?: Record<string, string | number> | undefined;
  /** Text or bytes, or chunks streamed from a blob. */
  body?: string | Uint8Array | AsyncIterable<Uint8Array> | undefined;
}

/**
 * A JSON answer, the form of every API response.
 *
 * @example
 * json(200, { hash, key })
 */
export function json(status: number, value: unknown, headers?: Record<string, string>): Reply {
  return {
    status,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...headers },
    body: JSON.stringify(value),
  };
}

/**
 * An error in Qiniu's shape: the status (612, 614 … as real HTTP statuses) and
 * `{"error":"<message>"}`.
 *
 * @example
 * failure(612, "no such file or directory")
 */
export function failure(status: number, message: string): Reply {
  return json(status, { error: message });
}

/** A success with no body, as delete, move and copy answer. */
export function empty(status = 200): Reply {
  return { status, headers: { "Cache-Control": "no-store" } };
}

/** The errors every route may answer, with the service's texts. */
export const errors = {
  fileExists: () => failure(614, "file exists"),
  noSuchBucket: () => failure(631, "no such bucket"),
  badToken: () => failure(401, "bad token"),
  invalidArgument: (detail?: string) =>
    failure(400, detail === undefined ? "invalid argument" : `invalid argument: ${detail}`),
  tooLarge: () => failure(413, "request entity too large"),
  notFound: () => failure(404, "Document not found"),
  badMethod: () => failure(405, "method not allowed"),
};
