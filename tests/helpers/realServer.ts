import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A local HTTP server for statuses and socket behaviour that msw cannot produce. */
export interface RealServer {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** The requests received so far. */
  hits: { method: string; url: string; headers: IncomingMessage["headers"] }[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1, port 0; `handle` gets the 0-based number of each request. */
export async function startRealServer(
  handle: (req: IncomingMessage, res: ServerResponse, hit: number) => void,
): Promise<RealServer> {
  const hits: RealServer["hits"] = [];
  const server = createServer((req, res) => {
    hits.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    req.resume();
    handle(req, res, hits.length - 1);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An origin on 127.0.0.1 where nothing listens: a connection to it is refused. */
export async function closedOrigin(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Answers with any status, Qiniu's 6xx included, a JSON body and an `X-Reqid`. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  reqId = "req-1",
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "X-Reqid": reqId });
  res.end(text);
}
