import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Handles a Web request, as a route handler, a Worker or an edge function does. */
export type WebHandler = (request: Request) => Promise<Response> | Response;

/** A local HTTP server that hands each request, as a Web `Request`, to the handler of its path. */
export interface AppServer {
  origin: string;
  routes: Map<string, WebHandler>;
  stop(): Promise<void>;
}

/**
 * Starts the server that plays the application's backend in the docs' tests: the endpoint of
 * upload callbacks, the route that gives browsers their tokens.
 */
export async function startAppServer(): Promise<AppServer> {
  const routes = new Map<string, WebHandler>();
  let origin = "";
  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(String(error));
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", origin);
    const handler = routes.get(url.pathname);
    if (handler === undefined) {
      res.writeHead(404).end();
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const method = req.method ?? "GET";
    const init: RequestInit = { method, headers };
    if (method !== "GET" && method !== "HEAD") init.body = Buffer.concat(chunks);
    const response = await handler(new Request(url, init));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    routes,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
