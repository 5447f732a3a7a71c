import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

type Handler = (request: IncomingMessage, response: ServerResponse) => unknown;

/**
 * Listens on a free loopback port; resolves with the base URL and a close function that drops open connections.
 * A handler that throws answers 502 with the reason (a stand-in failing is a test failure to read, not an unhandled
 * rejection that fails the whole run).
 */
export async function listen(handler: Handler): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    Promise.resolve()
      .then(() => handler(request, response))
      .catch((error: Error) => {
        if (response.headersSent) return response.destroy(error);
        response.writeHead(502, { "content-type": "application/json" });
        response.end(JSON.stringify({ data: null, error: { status: 502, message: error.message } }));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The request body as text. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
