import {
  type ChatHistoryItem,
  getLlama,
  type Llama,
  LlamaChatSession,
  type LlamaContextSequence,
  type LlamaGrammar,
  LlamaLogLevel,
  type LlamaModel,
} from "node-llama-cpp";
import type { ChatRequestBody } from "./openai-request.ts";

export type EngineOptions = {
  modelPath: string;
  /** Tokens the context holds (prompt and answer together); capped at what the model was trained with. */
  contextSize: number;
  /**
   * CPU threads. One by default: on a small machine that is busy with other work (2 cores, tests in parallel),
   * llama.cpp's threads spin while they wait for each other, and two ran 300 times slower than one in our runs.
   */
  threads: number;
};

export type Completion = {
  text: string;
  finishReason: "stop" | "length";
  promptTokens: number;
  completionTokens: number;
};

/** A rejection the client caused (a schema the grammar cannot express): answered 400. */
export class BadRequest extends Error {
  override name = "BadRequest";
  readonly param: string | undefined;
  constructor(message: string, param?: string) {
    super(message);
    this.param = param;
  }
}

/** One model in one context with one sequence: completions run one at a time (the server queues them). */
export async function loadEngine(options: EngineOptions) {
  // No GPU probing and never a build: the prebuilt CPU binaries from npm are all there is (no internet).
  const llama: Llama = await getLlama({
    gpu: false,
    build: "never",
    progressLogs: false,
    logLevel: LlamaLogLevel.warn,
  });
  const model: LlamaModel = await llama.loadModel({ modelPath: options.modelPath });
  const context = await model.createContext({
    contextSize: Math.min(options.contextSize, model.trainContextSize),
    threads: options.threads,
  });
  const sequence: LlamaContextSequence = context.getSequence();
  const grammars = new Map<string, LlamaGrammar>();

  async function grammarFor(format: ChatRequestBody["response_format"]): Promise<LlamaGrammar | undefined> {
    if (!format || format.type === "text") return undefined;
    const key = format.type === "json_object" ? "json" : JSON.stringify(format.json_schema.schema);
    let grammar = grammars.get(key);
    if (!grammar) {
      try {
        grammar =
          format.type === "json_object"
            ? await llama.getGrammarFor("json")
            : // The type wants a literal schema; what it accepts is checked at run time, and refused below.
              await llama.createGrammarForJsonSchema(format.json_schema.schema as never);
      } catch (error) {
        throw new BadRequest(
          `response_format.json_schema.schema cannot be enforced: ${(error as Error).message}`,
          "response_format",
        );
      }
      // Schemas repeat (the worker sends the same outline schema every run): compiled once.
      if (grammars.size > 32) grammars.clear();
      grammars.set(key, grammar);
    }
    return grammar;
  }

  /** Answers `request`, handing each piece of text to `onText` as it is generated. */
  async function complete(
    request: ChatRequestBody,
    maxTokens: number,
    signal: AbortSignal,
    onText: (text: string) => void = () => {},
  ): Promise<Completion> {
    const grammar = await grammarFor(request.response_format);
    const history: ChatHistoryItem[] = request.messages.slice(0, -1).map((message) =>
      message.role === "assistant"
        ? { type: "model", response: [message.content] }
        : // Developer messages are the newer name for system messages.
          { type: message.role === "user" ? "user" : "system", text: message.content },
    );
    const last = request.messages.at(-1)?.content ?? "";
    // Each request starts from an empty context: requests are independent, as with OpenAI.
    await sequence.clearHistory();
    const before = sequence.tokenMeter.getState();
    const session = new LlamaChatSession({ contextSequence: sequence, autoDisposeSequence: false });
    try {
      session.setChatHistory(history);
      const answer = await session.promptWithMeta(last, {
        maxTokens,
        temperature: request.temperature ?? 0.7,
        ...(request.top_p == null ? {} : { topP: request.top_p }),
        ...(request.seed == null ? {} : { seed: request.seed }),
        ...(grammar
          ? { grammar }
          : // Models this small loop on a phrase; a light penalty keeps prose moving (never under a grammar,
            // where it would penalise the braces and quotes JSON needs).
            { repeatPenalty: { penalty: 1.1, frequencyPenalty: 0.05, lastTokens: 128 } }),
        customStopTriggers: request.stop,
        signal,
        stopOnAbortSignal: true,
        onTextChunk: onText,
      });
      const used = sequence.tokenMeter.diff(before);
      return {
        text: answer.responseText,
        finishReason: answer.stopReason === "maxTokens" ? "length" : "stop",
        promptTokens: used.usedInputTokens,
        completionTokens: used.usedOutputTokens,
      };
    } finally {
      session.dispose({ disposeSequence: false });
    }
  }

  return {
    modelName: options.modelPath,
    contextSize: context.contextSize,
    complete,
    async close() {
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}

export type Engine = Awaited<ReturnType<typeof loadEngine>>;
