import type { Chat } from "../llm/chat.ts";
import type { RunLog } from "../research/types.ts";
import type { UsageReport } from "../writer/types.ts";
import { type ShapedAnswer, shapeAnswer } from "./answer-text.ts";
import type { AnswerMode, AskInput } from "./contract.ts";
import type { Passage } from "./passages.ts";
import { answerMessages } from "./prompt.ts";

export type ComposeContext = {
  input: AskInput;
  /** Numbered 1..n; never empty (an answer with nothing to go on is not composed). */
  passages: readonly Passage[];
  signal: AbortSignal;
  log: RunLog;
  /** The answer as written so far (each text the beginning of the next), for the reader to see as it grows. */
  show(answer: ShapedAnswer): void;
  /** Resolves when the reader has caught up: composers that write faster than anyone reads wait for it. */
  settle(): Promise<void>;
};

/** A finished answer, and the model that wrote it as the endpoint named it. */
export type ComposedAnswer = ShapedAnswer & { model?: string };

/** Writes an answer from passages: through a language model, or extractively without one. */
export type Composer = {
  mode: AnswerMode;
  /** The model asked to write, recorded on the answer (a stopped one too). */
  model?: string;
  compose(context: ComposeContext): Promise<ComposedAnswer>;
};

/** Answers through a language model, streamed as it writes. */
export function modelComposer(chat: Chat, model: string, onUsage: (usage: UsageReport) => void): Composer {
  return {
    mode: "model",
    model,
    async compose({ input, passages, signal, log, show }) {
      let raw = "";
      const answer = await chat.complete({
        model,
        messages: answerMessages(input, passages),
        signal,
        log,
        temperature: 0.2,
        onDelta: (delta) => {
          raw += delta;
          show(shapeAnswer(raw, passages, { final: false }));
        },
      });
      onUsage({ model: answer.model, promptTokens: answer.promptTokens, completionTokens: answer.completionTokens });
      if (answer.estimated) log("info", "the model did not report token usage; counts are estimated");
      return { ...shapeAnswer(raw, passages, { final: true }), model: answer.model };
    },
  };
}
