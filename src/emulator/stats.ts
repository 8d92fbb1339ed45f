import type { RecordedRequest, RouteStats } from "./types.ts";

/** How many requests {@link Recorder} keeps; older ones are dropped first. */
const maxRecorded = 20_000;

/** Counts requests and bytes per route and keeps a record of each request. */
export class Recorder {
  #routes = new Map<string, RouteStats>();
  #requests: RecordedRequest[] = [];

  /**
   * Counts one finished request.
   *
   * @param route - Its route name.
   * @param status - The status answered (0 when the connection was reset).
   * @param received - Bytes of request body received.
   * @param sent - Bytes of response body sent.
   */
  count(route: string, status: number, received: number, sent: number): void {
    let stats = this.#routes.get(route);
    if (stats === undefined) {
      stats = { requests: 0, bytesReceived: 0, bytesSent: 0, statuses: {} };
      this.#routes.set(route, stats);
    }
    stats.requests += 1;
    stats.bytesReceived += received;
    stats.bytesSent += sent;
    stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
  }

  /** Keeps the record of a request. */
  record(request: RecordedRequest): void {
    this.#requests.push(request);
    if (this.#requests.length > maxRecorded)
      this.#requests.splice(0, this.#requests.length - maxRecorded);
  }

  /** A copy of the counts, by route name. */
  stats(): Record<string, RouteStats> {
    const out: Record<string, RouteStats> = {};
    for (const [route, stats] of this.#routes) {
      out[route] = { ...stats, statuses: { ...stats.statuses } };
    }
    return out;
  }

  /** A copy of the records, oldest first. */
  requests(): RecordedRequest[] {
    return this.#requests.map((request) => ({ ...request, headers: { ...request.headers } }));
  }

  reset(): void {
    this.#routes.clear();
    this.#requests = [];
  }
}
