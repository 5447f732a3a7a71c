import type { Chat } from "../llm/chat.ts";
import { isInLanguage, languageInstruction } from "../llm/language.ts";
import { offlineOutline } from "./offline-writer.ts";
import { OUTLINE_JSON_SCHEMA, parseOutline } from "./outline-schema.ts";

const OUTLINE_FORMAT = { name: "outline", schema: OUTLINE_JSON_SCHEMA as unknown as Record<string, unknown> };

import { languageReminder, outlineMessages, sectionMessages } from "./prompts.ts";
import { cleanSection, PROBLEM_WORDS, problemReminder, sectionProblem } from "./section-checks.ts";
import type { Outline, UsageReport, WriteContext, Writer } from "./types.ts";

export type LlmWriterOptions = {
  chat: Chat;
  outlineModel: string;
  writeModel: string;
  /** Called after every completion, retries included. */
  onUsage: (usage: UsageReport) => void;
};

/**
 * Writes through a language model: a JSON outline, then each section, cleaned to the article's Markdown and checked
 * (language, repeats, citations: see section-checks.ts) — asked once more when wrong, then left out with a log line.
 */
export function llmWriter(options: LlmWriterOptions): Writer {
  const ask = async (
    context: WriteContext,
    model: string,
    messages: Parameters<Chat["complete"]>[0]["messages"],
    jsonSchema?: Parameters<Chat["complete"]>[0]["jsonSchema"],
  ) => {
    const answer = await options.chat.complete({
      model,
      messages,
      signal: context.signal,
      log: context.log,
      ...(jsonSchema ? { jsonSchema } : {}),
    });
    options.onUsage({
      model: answer.model,
      promptTokens: answer.promptTokens,
      completionTokens: answer.completionTokens,
    });
    if (answer.estimated)
      context.log("info", "the model did not report token usage; counts are estimated", { key: "usageEstimated" });
    return answer.text;
  };
  const outlineText = (outline: Outline) => [outline.title, ...outline.sections.map((s) => s.heading)].join("\n");

  return {
    offline: false,
    models: [...new Set([options.outlineModel, options.writeModel])],

    async outline(context) {
      const count = context.sources.length;
      let outline = parseOutline(
        await ask(context, options.outlineModel, outlineMessages(context), OUTLINE_FORMAT),
        count,
      );
      if (!outline || !isInLanguage(outlineText(outline), context.request.language)) {
        const problem = outline ? "was not in the required language" : "was not a readable JSON outline";
        context.log("warn", `the outline ${problem}; asking once more`, {
          key: "outlineRetry",
          params: { problem: outline ? "language" : "json" },
        });
        const reminder = outline
          ? languageReminder(context)
          : "Your previous answer was not valid JSON. Answer with the JSON object only.";
        outline =
          parseOutline(
            await ask(context, options.outlineModel, outlineMessages(context, reminder), OUTLINE_FORMAT),
            count,
          ) ?? outline;
      }
      if (!outline) {
        context.log("warn", "the model gave no usable outline; using one built from the sources", {
          key: "outlineFallback",
        });
        return offlineOutline(context);
      }
      return outline;
    },

    async section(context, outline, index, written = []) {
      const language = context.request.language;
      const sourceCount = context.sources.length;
      const attempt = async (reminder?: string) =>
        cleanSection(await ask(context, options.writeModel, sectionMessages(context, outline, index, reminder)));
      const check = (text: string) => sectionProblem(text, { language, sourceCount, written });
      const first = await attempt();
      const problem = check(first);
      if (!problem) return first;
      context.log("warn", `section ${index + 1} ${PROBLEM_WORDS[problem]}; asking once more`, {
        key: "sectionRetry",
        params: { n: index + 1, problem },
      });
      const again = await attempt(problemReminder(problem, sourceCount, languageInstruction(language)));
      const still = check(again);
      if (!still) return again;
      // Never kept as written: a section in the wrong language, a repeat or one citing nothing is left out.
      context.log("warn", `section ${index + 1} left out: it ${PROBLEM_WORDS[still]} twice`, {
        key: "sectionLeftOut",
        params: { n: index + 1, problem: still },
      });
      return "";
    },
  };
}
