// An OpenAI-compatible server for one local GGUF model: GET /v1/models and POST /v1/chat/completions, streamed
// (SSE) or not, with response_format enforced by a grammar. One completion runs at a time; others wait in a short
// queue, and past it the server answers 503 with Retry-After, which the worker's client honours.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BadRequest, type Engine } from "./engine.ts";
import { chatRequestSchema, describeIssue, errorBody } from "./openai-request.ts";

export type LocalModelServerOptions = {
  engine: Engine;
  /** The model id clients see in /v1/models and in answers. Requests may name any model: there is only this one. */
  modelId: string;
  host?: string;
  port: number;
  /** Completions waiting beyond the running one before new ones are refused with 503. */
  maxQueue?: number;
  /** Answer length in tokens when a request sets none (four times that for JSON answers). */
  maxTokens?: number;
  log?: (line: string) => void;
};

const MAX_BODY_BYTES = 4 * 1024 * 1024;

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BadRequest(`the request body is over ${MAX_BODY_BYTES / 1024 / 1024} MB`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new BadRequest("the request body is not valid JSON");
  }
}

export async function startLocalModelServer(options: LocalModelServerOptions) {
  const { engine, modelId } = options;
  const maxQueue = options.maxQueue ?? 8;
  const maxTokens = options.maxTokens ?? 1024;
  const log = options.log ?? (() => {});
  const created = Math.floor(Date.now() / 1000);
  let running: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  let busy = false;
  /** Average seconds a completion took, for Retry-After. */
  let averageSeconds = 20;

  /** Runs `task` after every completion queued before it. */
  function enqueue<T>(task: () => Promise<T>): Promise<T> {
    waiting++;
    const result = running.then(async () => {
      waiting--;
      busy = true;
      const started = Date.now();
      try {
        return await task();
      } finally {
        busy = false;
        averageSeconds = averageSeconds * 0.7 + ((Date.now() - started) / 1000) * 0.3;
      }
    });
    running = result.catch(() => {});
    return result;
  }

  async function chatCompletions(request: IncomingMessage, response: ServerResponse) {
    const parsed = chatRequestSchema.safeParse(await readJson(request));
    if (!parsed.success) {
      const { message, param } = describeIssue(parsed.error);
      return sendJson(response, 400, errorBody(message, "invalid_request_error", param));
    }
    const body = parsed.data;
    // JSON under a grammar is invalid until its last brace: a default that cuts it short wastes the whole answer.
    const json = body.response_format != null && body.response_format.type !== "text";
    const limit = body.max_completion_tokens ?? body.max_tokens ?? (json ? maxTokens * 4 : maxTokens);
    if (waiting >= maxQueue) {
      const retryAfter = Math.max(1, Math.ceil(averageSeconds * (waiting + (busy ? 1 : 0))));
      return sendJson(
        response,
        503,
        errorBody(
          `the local model is busy: ${waiting} requests are waiting for it; try again in about ${retryAfter} s`,
          "server_busy",
          undefined,
          "queue_full",
        ),
        { "retry-after": String(retryAfter) },
      );
    }
    // A client that hangs up stops its generation (and frees its place in the queue).
    const abort = new AbortController();
    response.on("close", () => {
      if (!response.writableFinished) abort.abort();
    });
    const id = `chatcmpl-${randomUUID()}`;
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model: modelId, choices, ...extra })}\n\n`;

    const started = Date.now();
    const completion = await enqueue(async () => {
      if (abort.signal.aborted) return undefined;
      if (body.stream) {
        response.writeHead(200, {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-cache",
          connection: "keep-alive",
        });
        response.write(chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]));
      }
      return engine.complete(body, limit, abort.signal, (text) => {
        if (body.stream && !response.destroyed)
          response.write(chunk([{ index: 0, delta: { content: text }, finish_reason: null }]));
      });
    });
    if (!completion || abort.signal.aborted) return;
    const usage = {
      prompt_tokens: completion.promptTokens,
      completion_tokens: completion.completionTokens,
      total_tokens: completion.promptTokens + completion.completionTokens,
    };
    log(
      `completion: ${usage.prompt_tokens} prompt + ${usage.completion_tokens} answer tokens in ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s (${completion.finishReason})` +
        (body.response_format && body.response_format.type !== "text" ? `, ${body.response_format.type}` : ""),
    );
    if (body.stream) {
      response.write(chunk([{ index: 0, delta: {}, finish_reason: completion.finishReason }]));
      if (body.stream_options?.include_usage) response.write(chunk([], { usage }));
      response.end("data: [DONE]\n\n");
      return;
    }
    sendJson(response, 200, {
      id,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: modelId,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: completion.text },
          finish_reason: completion.finishReason,
        },
      ],
      usage,
    });
  }

  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    const handle = async () => {
      if (request.method === "GET" && (path === "/v1/models" || path === "/models"))
        return sendJson(response, 200, {
          object: "list",
          data: [{ id: modelId, object: "model", created, owned_by: "local" }],
        });
      if (request.method === "GET" && path === "/health") return sendJson(response, 200, { status: "ok" });
      if (path === "/v1/chat/completions" || path === "/chat/completions") {
        if (request.method !== "POST")
          return sendJson(response, 405, errorBody("use POST for chat completions", "invalid_request_error"), {
            allow: "POST",
          });
        return chatCompletions(request, response);
      }
      sendJson(
        response,
        404,
        errorBody(
          `no route ${request.method} ${path}: this server offers GET /v1/models and POST /v1/chat/completions`,
          "invalid_request_error",
          undefined,
          "not_found",
        ),
      );
    };
    handle().catch((error: unknown) => {
      const bad = error instanceof BadRequest;
      if (!bad) log(`completion failed: ${(error as Error).stack ?? String(error)}`);
      if (response.headersSent) {
        // Mid-stream: an error event the SDK raises, then the end.
        if (!response.destroyed)
          response.end(`data: ${JSON.stringify(errorBody((error as Error).message, "server_error"))}\n\n`);
        return;
      }
      sendJson(
        response,
        bad ? 400 : 500,
        errorBody(
          (error as Error).message,
          bad ? "invalid_request_error" : "server_error",
          bad ? (error as BadRequest).param : undefined,
        ),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
