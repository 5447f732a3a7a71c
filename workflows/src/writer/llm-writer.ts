import type { Chat } from "../llm/chat.ts";
import { isInLanguage } from "../llm/language.ts";
import { offlineOutline } from "./offline-writer.ts";
import { parseOutline } from "./outline-schema.ts";
import { languageReminder, outlineMessages, sectionMessages } from "./prompts.ts";
import type { Outline, UsageReport, WriteContext, Writer } from "./types.ts";

export type LlmWriterOptions = {
  chat: Chat;
  outlineModel: string;
  writeModel: string;
  /** Called after every completion, retries included. */
  onUsage: (usage: UsageReport) => void;
};

/** Writes through a language model: a JSON outline, then each section, each checked for the output language. */
export function llmWriter(options: LlmWriterOptions): Writer {
  const ask = async (context: WriteContext, model: string, messages: Parameters<Chat["complete"]>[0]["messages"]) => {
    const answer = await options.chat.complete({ model, messages, signal: context.signal, log: context.log });
    options.onUsage({
      model: answer.model,
      promptTokens: answer.promptTokens,
      completionTokens: answer.completionTokens,
    });
    if (answer.estimated) context.log("info", "the model did not report token usage; counts are estimated");
    return answer.text;
  };
  const outlineText = (outline: Outline) => [outline.title, ...outline.sections.map((s) => s.heading)].join("\n");

  return {
    offline: false,
    models: [...new Set([options.outlineModel, options.writeModel])],

    async outline(context) {
      const count = context.sources.length;
      let outline = parseOutline(await ask(context, options.outlineModel, outlineMessages(context)), count);
      if (!outline || !isInLanguage(outlineText(outline), context.request.language)) {
        const problem = outline ? "was not in the required language" : "was not a readable JSON outline";
        context.log("warn", `the outline ${problem}; asking once more`);
        const reminder = outline
          ? languageReminder(context)
          : "Your previous answer was not valid JSON. Answer with the JSON object only.";
        outline =
          parseOutline(await ask(context, options.outlineModel, outlineMessages(context, reminder)), count) ?? outline;
      }
      if (!outline) {
        context.log("warn", "the model gave no usable outline; using one built from the sources");
        return offlineOutline(context);
      }
      return outline;
    },

    async section(context, outline, index) {
      const text = await ask(context, options.writeModel, sectionMessages(context, outline, index));
      if (isInLanguage(text, context.request.language)) return text;
      context.log("warn", `section ${index + 1} came back in the wrong language; asking once more`);
      const again = await ask(
        context,
        options.writeModel,
        sectionMessages(context, outline, index, languageReminder(context)),
      );
      if (!isInLanguage(again, context.request.language))
        context.log("warn", `section ${index + 1} is still not in ${context.request.language}; kept as written`);
      return again;
    },
  };
}
