// A stand-in model for `npm run bench:ask`: an OpenAI-compatible chat completions endpoint that streams a fixed number
// of tokens at a fixed rate. Each token carries the time it was sent (` x<epoch ms>`), so the bench can tell, for every
// chunk a browser receives, how long the worker and the community took to relay it.
import { createServer, type Server } from "node:http";

export type TokenModel = { url: string; requests: number; close(): Promise<void> };

/** The answer's last words; an answer saved with them was streamed to its end. */
export const FINAL_WORD = "Concluded.";
const FINAL_TOKEN = ` [1] ${FINAL_WORD}`;

/** Tokens sent in `x<ms>` form; the receiver finds them with this pattern. */
export const TOKEN_TIME = /x(\d{13})/g;

export async function startTokenModel(tokens: number, intervalMs: number): Promise<TokenModel> {
  const model = { requests: 0 };
  const server: Server = createServer((request, response) => {
    if (request.method !== "POST" || !request.url?.endsWith("/chat/completions")) {
      response.writeHead(404).end();
      return;
    }
    model.requests++;
    request.resume();
    request.on("end", async () => {
      response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const chunk = (content: string) =>
        `data: ${JSON.stringify({
          id: "bench",
          object: "chat.completion.chunk",
          model: "bench-model",
          choices: [{ index: 0, delta: { content }, finish_reason: null }],
        })}\n\n`;
      for (let i = 0; i < tokens && !response.destroyed; i++) {
        response.write(chunk(` x${Date.now()}`));
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
      if (response.destroyed) return;
      response.write(chunk(FINAL_TOKEN));
      response.write(
        `data: ${JSON.stringify({ id: "bench", object: "chat.completion.chunk", model: "bench-model", choices: [], usage: { prompt_tokens: 100, completion_tokens: tokens + 1, total_tokens: tokens + 101 } })}\n\n`,
      );
      response.end("data: [DONE]\n\n");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the stand-in model has no port");
  return {
    url: `http://127.0.0.1:${address.port}/v1`,
    get requests() {
      return model.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
