import OpenAI, { APIError, APIUserAbortError } from "openai";
import { PipelineError } from "../pipeline/errors.ts";
import type { RunLog } from "../research/types.ts";
import { stripThinking } from "./think.ts";

export type ChatMessage = { role: "system" | "user" | "assistant"; content: string };
export type ChatAnswer = {
  text: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** True when the endpoint reported no usage and the counts are estimated from the text. */
  estimated: boolean;
};
export type ChatRequest = {
  model: string;
  messages: ChatMessage[];
  signal: AbortSignal;
  log: RunLog;
  temperature?: number;
  /**
   * Called with each piece of text as it streams in (reasoning blocks included: the caller decides what to show).
   * Once a piece has been handed over, a failed stream is not retried here — the caller has already used its
   * beginning — but thrown as `llm-unavailable` (retryable) for the caller's own attempt to start over.
   */
  onDelta?: (delta: string) => void;
};

export type ChatOptions = {
  baseURL: string;
  apiKey: string;
  /** Attempts after the first on 429, 5xx, dropped connections and stalls. */
  maxRetries?: number;
  /** A stream that sends nothing for this long is abandoned and retried. */
  idleTimeoutMs?: number;
  /** Longest wait between attempts, whatever Retry-After says. */
  maxDelayMs?: number;
};

/** Streaming chat completions against any OpenAI-compatible endpoint, with retries that honour Retry-After. */
export function createChat(options: ChatOptions) {
  // The SDK's own retries are off: ours log each retry to the run and share one budget across stream failures.
  const client = new OpenAI({ baseURL: options.baseURL, apiKey: options.apiKey, maxRetries: 0, timeout: 120_000 });
  const maxRetries = options.maxRetries ?? 4;
  const idleTimeoutMs = options.idleTimeoutMs ?? 90_000;
  const maxDelayMs = options.maxDelayMs ?? 60_000;

  async function once(request: ChatRequest, streamed: { any: boolean }): Promise<ChatAnswer> {
    const idle = new AbortController();
    let timer = setTimeout(() => idle.abort(), idleTimeoutMs);
    const touch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(), idleTimeoutMs);
    };
    try {
      const stream = await client.chat.completions.create(
        {
          model: request.model,
          messages: request.messages,
          stream: true,
          stream_options: { include_usage: true },
          ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        },
        { signal: AbortSignal.any([request.signal, idle.signal]) },
      );
      let text = "";
      let model = request.model;
      let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
      for await (const chunk of stream) {
        touch();
        const delta = chunk.choices[0]?.delta?.content ?? "";
        text += delta;
        if (delta && request.onDelta) {
          streamed.any = true;
          request.onDelta(delta);
        }
        if (chunk.model) model = chunk.model;
        if (chunk.usage) usage = chunk.usage;
      }
      // The SDK ends an aborted stream as if it were complete: a cancelled or stalled one is no answer (see below).
      request.signal.throwIfAborted();
      idle.signal.throwIfAborted();
      const prompt = request.messages.reduce((sum, message) => sum + message.content.length, 0);
      return {
        text: stripThinking(text),
        model,
        promptTokens: usage?.prompt_tokens ?? Math.ceil(prompt / 4),
        completionTokens: usage?.completion_tokens ?? Math.ceil(text.length / 4),
        estimated: usage === undefined,
      };
    } catch (error) {
      if (idle.signal.aborted && !request.signal.aborted)
        throw new StallError(`no answer from the model for ${Math.round(idleTimeoutMs / 1000)} s`);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** One completion, its text with reasoning blocks removed. */
  async function complete(request: ChatRequest): Promise<ChatAnswer> {
    const streamed = { any: false };
    for (let retry = 0; ; retry++) {
      try {
        return await once(request, streamed);
      } catch (error) {
        if (request.signal.aborted) throw request.signal.reason;
        if (streamed.any)
          throw new PipelineError(
            "llm-unavailable",
            `the language model ${request.model} stopped in the middle of its answer (${(error as Error).message}); try again`,
            true,
          );
        const status = error instanceof APIError ? error.status : undefined;
        const transient =
          error instanceof StallError ||
          (error instanceof APIError &&
            !(error instanceof APIUserAbortError) &&
            (status === undefined || status === 429 || status >= 500)) ||
          !(error instanceof APIError);
        const what = status ? `answered ${status}` : (error as Error).message;
        if (!transient)
          throw new PipelineError(
            "llm-rejected",
            `the language model ${request.model} at OPENAI_BASE_URL refused the request (${what}); check OPENAI_API_KEY and the model name`,
            false,
          );
        if (retry >= maxRetries)
          throw new PipelineError(
            "llm-unavailable",
            `the language model ${request.model} ${what} ${retry + 1} times; try again later`,
            true,
          );
        const delayMs = Math.min(retryAfterMs(error) ?? 1000 * 2 ** retry + Math.random() * 250, maxDelayMs);
        request.log("warn", `the language model ${what}; retrying in ${(delayMs / 1000).toFixed(1)} s`);
        await abortableDelay(delayMs, request.signal);
      }
    }
  }

  return { complete };
}

export type Chat = ReturnType<typeof createChat>;

class StallError extends Error {}

/** Retry-After (seconds or an HTTP date) or OpenAI's retry-after-ms, in milliseconds. */
function retryAfterMs(error: unknown): number | undefined {
  const headers = error instanceof APIError ? error.headers : undefined;
  if (!headers) return undefined;
  const ms = Number(headers.get("retry-after-ms"));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
