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
   * The JSON Schema the answer must follow, sent as `response_format`. An endpoint that refuses the parameter (400)
   * is asked once more without it (the caller parses and checks the answer anyway).
   */
  jsonSchema?: { name: string; schema: Record<string, unknown> };
  /**
   * Called with each piece of text as it streams in (reasoning blocks included: the caller decides what to show).
   * Once a piece has been handed over, a failed stream is not retried here — the caller has already used its
   * beginning — but thrown as `llm-unavailable` (retryable) for the caller's own attempt to start over.
   */
  onDelta?: (delta: string) => void;
};

/**
 * Why a call to the model failed: `rate-limited` (429), `server` (5xx), `unreachable` (no answer at all), `stalled`
 * (a stream that went quiet) are waited out and retried; `protocol` (an answer that is not the protocol: malformed
 * stream data, an empty or unparseable body) is tried twice, then given up; `rejected` (another 4xx: key, model name,
 * request) is given up at once.
 */
export type ModelErrorKind = "rate-limited" | "server" | "unreachable" | "stalled" | "protocol" | "rejected";

/** What the chat tells whoever counts: each call's outcome and latency, each retry and why. */
export type ChatObserver = {
  request(model: string, outcome: "ok" | ModelErrorKind, seconds: number): void;
  retry(model: string, kind: ModelErrorKind): void;
};

export type ChatOptions = {
  baseURL: string;
  apiKey: string;
  observer?: ChatObserver;
  /** A stream quiet for this long gets a line in the run log (it is still waited for up to idleTimeoutMs). */
  slowNoticeMs?: number;
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
  const slowNoticeMs = options.slowNoticeMs ?? 10_000;

  async function once(request: ChatRequest, streamed: { any: boolean }, schema: boolean): Promise<ChatAnswer> {
    const idle = new AbortController();
    let timer = setTimeout(() => idle.abort(), idleTimeoutMs);
    // A quiet stream is said in the log within seconds, not only when it is given up on.
    let quietSince = Date.now();
    const notice = setInterval(() => {
      const quiet = Date.now() - quietSince;
      if (quiet >= slowNoticeMs)
        request.log(
          "warn",
          `the language model ${request.model} has sent nothing for ${Math.round(quiet / 1000)} s; waiting up to ${Math.round(idleTimeoutMs / 1000)} s`,
          {
            key: "modelQuiet",
            params: {
              model: request.model,
              seconds: Math.round(quiet / 1000),
              limit: Math.round(idleTimeoutMs / 1000),
            },
          },
        );
    }, slowNoticeMs);
    const touch = () => {
      quietSince = Date.now();
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
          ...(schema && request.jsonSchema
            ? { response_format: { type: "json_schema" as const, json_schema: request.jsonSchema } }
            : {}),
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
      clearInterval(notice);
    }
  }

  /** One completion, its text with reasoning blocks removed. */
  async function complete(request: ChatRequest): Promise<ChatAnswer> {
    const streamed = { any: false };
    let protocolErrors = 0;
    let schema = Boolean(request.jsonSchema);
    for (let retry = 0; ; retry++) {
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        const answer = await once(request, streamed, schema);
        options.observer?.request(request.model, "ok", seconds());
        return answer;
      } catch (error) {
        if (request.signal.aborted) throw request.signal.reason;
        const kind = errorKind(error);
        options.observer?.request(request.model, kind, seconds());
        const what = describe(kind, error);
        if (streamed.any)
          throw new PipelineError(
            "llm-unavailable",
            `the language model ${request.model} stopped in the middle of its answer (${what}); try again`,
            true,
          );
        if (kind === "rejected" && schema && error instanceof APIError && error.status === 400) {
          schema = false;
          retry--;
          request.log("info", `the language model ${request.model} does not take a JSON schema; asking without one`, {
            key: "modelNoSchema",
            params: { model: request.model },
          });
          continue;
        }
        if (kind === "rejected")
          throw new PipelineError(
            "llm-rejected",
            `the language model ${request.model} at OPENAI_BASE_URL refused the request (${what}); check OPENAI_API_KEY and the model name`,
            false,
          );
        if (kind === "protocol" && ++protocolErrors >= PROTOCOL_TRIES)
          throw new PipelineError(
            "llm-rejected",
            `the language model ${request.model} answered outside the chat completions protocol ${protocolErrors} times (${what}); check OPENAI_BASE_URL points at an OpenAI-compatible endpoint`,
            false,
          );
        if (retry >= maxRetries)
          throw new PipelineError(
            "llm-unavailable",
            `the language model ${request.model} failed ${retry + 1} times (${what}); try again later`,
            true,
          );
        const delayMs = Math.min(retryAfterMs(error) ?? 1000 * 2 ** retry + Math.random() * 250, maxDelayMs);
        options.observer?.retry(request.model, kind);
        request.log("warn", `waiting to retry: model ${what}, ${Math.ceil(delayMs / 1000)} s`, {
          key: "modelRetry",
          params: { what, seconds: Math.ceil(delayMs / 1000) },
        });
        await abortableDelay(delayMs, request.signal);
      }
    }
  }

  return { complete };
}

export type Chat = ReturnType<typeof createChat>;

class StallError extends Error {}

/** Malformed answers are tried this many times in all before the call is given up. */
const PROTOCOL_TRIES = 2;

/** Sorts a failed call: what kind of failure decides whether, and how often, it is tried again. */
export function errorKind(error: unknown): ModelErrorKind {
  if (error instanceof StallError) return "stalled";
  if (error instanceof APIError && !(error instanceof APIUserAbortError)) {
    const status = error.status;
    if (status === 429) return "rate-limited";
    if (status !== undefined && status >= 500) return "server";
    if (status !== undefined) return "rejected";
    // No status: the SDK's connection errors (refused, reset, timed out) — or a stream whose data it could not parse.
    return /JSON|parse|Unexpected token|stream/i.test(error.message) ? "protocol" : "unreachable";
  }
  if (error instanceof SyntaxError) return "protocol";
  return "unreachable";
}

const KIND_WORDS: Record<ModelErrorKind, string> = {
  "rate-limited": "rate-limited",
  server: "server error",
  unreachable: "unreachable",
  stalled: "stalled",
  protocol: "malformed answer",
  rejected: "request refused",
};
function describe(kind: ModelErrorKind, error: unknown): string {
  const status = error instanceof APIError ? error.status : undefined;
  return status ? `${KIND_WORDS[kind]} (${status})` : `${KIND_WORDS[kind]}: ${(error as Error).message}`;
}

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
