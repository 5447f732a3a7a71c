import type { Locale } from "@inkstone/config";
import type { Chat } from "../llm/chat.ts";
import { isInLanguage, languageInstruction } from "../llm/language.ts";
import { groundSection } from "./ground-section.ts";
import { containment, ngrams } from "./grounding.ts";
import { measureLength } from "./offline/length.ts";
import { offlineOutline } from "./offline-writer.ts";
import { OUTLINE_JSON_SCHEMA, parseOutline } from "./outline-schema.ts";
import { continueMessages, languageReminder, outlineMessages, sectionMessages, sectionShare } from "./prompts.ts";
import { citedNumbers, cleanSection, PROBLEM_WORDS, problemReminder, sectionProblem } from "./section-checks.ts";
import { completeOutline } from "./shape-outline.ts";
import type { Outline, UsageReport, WriteContext, Writer } from "./types.ts";

const OUTLINE_FORMAT = { name: "outline", schema: OUTLINE_JSON_SCHEMA as unknown as Record<string, unknown> };

/** A section may be this much shorter or longer than its share of the target (the article's tolerance, ±15%). */
const LENGTH_TOLERANCE = 0.15;
/** Times a short section is asked for one more paragraph. */
const EXTENSIONS = 2;

export type LlmWriterOptions = {
  chat: Chat;
  outlineModel: string;
  writeModel: string;
  /** Called after every completion, retries included. */
  onUsage: (usage: UsageReport) => void;
};

/**
 * Writes through a language model: a JSON outline completed with an introduction, at least three sections and a
 * conclusion (shape-outline.ts), then each section, cleaned to the article's Markdown, every sentence's citation
 * checked against the sources (ground-section.ts) and the whole checked (language, repeats, at least one citation:
 * section-checks.ts) — asked once more when wrong, then left out with a log line; a section short of its share of
 * the target length is asked for more, one too long loses its last sentences.
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
      return completeOutline(outline, context);
    },

    async section(context, outline, index, written = []) {
      const language = context.request.language;
      const sourceCount = context.sources.length;
      const checked = { moved: 0, removed: 0 };
      const write = async (messages: Parameters<Chat["complete"]>[0]["messages"]) => {
        const grounding = groundSection(
          cleanSection(await ask(context, options.writeModel, messages)),
          context.sources,
          language,
        );
        checked.moved += grounding.moved;
        checked.removed += grounding.removed;
        return grounding.text;
      };
      // Once per section, whatever it took: what checking its citations changed.
      const reportChecks = () => {
        if (checked.moved + checked.removed > 0)
          context.log(
            "info",
            `section ${index + 1}: ${checked.moved} sentence(s) cited again to the source that holds them, ${checked.removed} citation(s) no source supports removed`,
            { key: "citationsChecked", params: { n: index + 1, ...checked } },
          );
      };
      const check = (text: string, others: readonly string[] = written) =>
        sectionProblem(text, { language, sourceCount, written: others });
      const first = await write(sectionMessages(context, outline, index));
      const problem = check(first);
      let text = first;
      if (problem) {
        context.log("warn", `section ${index + 1} ${PROBLEM_WORDS[problem]}; asking once more`, {
          key: "sectionRetry",
          params: { n: index + 1, problem },
        });
        text = await write(
          sectionMessages(
            context,
            outline,
            index,
            problemReminder(problem, sourceCount, languageInstruction(language)),
          ),
        );
        const still = check(text);
        if (still) {
          reportChecks();
          // Never kept as written: a section in the wrong language, a repeat or one citing nothing is left out.
          context.log("warn", `section ${index + 1} left out: it ${PROBLEM_WORDS[still]} twice`, {
            key: "sectionLeftOut",
            params: { n: index + 1, problem: still },
          });
          return "";
        }
      }

      // A paragraph the article already has (a quote the model used twice) is not said again.
      const fresh = withoutRepeatedParagraphs(text, written, language);
      if (citedNumbers(fresh).length) text = fresh;
      const share = sectionShare(context.request.targetLength, outline, index);
      const unit = language === "zh-CN" ? "characters" : "words";
      for (let round = 0; round < EXTENSIONS; round++) {
        const length = measureLength(text, language);
        if (length >= share * (1 - LENGTH_TOLERANCE)) break;
        const more = withoutRepeatedParagraphs(
          await write(continueMessages(context, outline, index, text, share - length)),
          [...written, text],
          language,
        );
        // An addition is held to what a section is: in the language, cited, and saying something new.
        if (check(more, [...written, text])) break;
        text = `${text}\n\n${more}`;
      }
      reportChecks();
      const length = measureLength(text, language);
      if (length > share * (1 + LENGTH_TOLERANCE)) {
        text = trimTo(text, Math.round(share * (1 + LENGTH_TOLERANCE / 2)), language);
        context.log(
          "info",
          `section ${index + 1} shortened to ${measureLength(text, language)} of its ${share} ${unit}`,
          {
            key: "sectionTrimmed",
            params: { n: index + 1, length: measureLength(text, language), share, unit },
          },
        );
      } else if (length < share * (1 - LENGTH_TOLERANCE))
        context.log("info", `section ${index + 1} is short: ${length} of its ${share} ${unit}`, {
          key: "sectionShort",
          params: { n: index + 1, length, share, unit },
        });
      return text;
    },
  };
}

/** Above this share of its n-grams already in the article, a paragraph repeats what is there. */
const REPEATED_PARAGRAPH = 0.8;

/**
 * `text` without the paragraphs the article already has: a paragraph goes when most of its n-grams (the fidelity
 * bench's, so a two-word paragraph is compared whole) are in one paragraph of `earlier` or of its own before it.
 */
function withoutRepeatedParagraphs(text: string, earlier: readonly string[], language: Locale): string {
  const paragraphsOf = (body: string) => body.split(/\n{2,}/).filter((paragraph) => paragraph.trim());
  const said = earlier.flatMap(paragraphsOf).map((paragraph) => ngrams(paragraph, language));
  const kept: string[] = [];
  for (const paragraph of paragraphsOf(text)) {
    const grams = ngrams(paragraph, language);
    if (said.some((other) => containment(grams, other) > REPEATED_PARAGRAPH)) continue;
    kept.push(paragraph);
    said.push(grams);
  }
  return kept.join("\n\n");
}

/**
 * `text` without its last sentences until it is at most `limit` long (whole sentences, from the end, lists keeping
 * their shape); never its last citation or its only sentence.
 */
function trimTo(text: string, limit: number, language: Locale): string {
  const segmenter = new Intl.Segmenter(language, { granularity: "sentence" });
  const lines = text.split("\n");
  let current = text;
  while (measureLength(current, language) > limit) {
    let last = lines.length - 1;
    while (last >= 0 && !lines[last]?.trim()) last--;
    const line = lines[last];
    if (line === undefined) break;
    const segments = [...segmenter.segment(line)].map((segment) => segment.segment);
    const shorter = segments.slice(0, -1).join("").trimEnd();
    const candidate = [...lines.slice(0, last), ...(shorter.replace(/^\s*(?:[-*+]|\d+[.)])\s*$/, "") ? [shorter] : [])];
    const next = candidate.join("\n").trim();
    if (!next || !citedNumbers(next).length) break;
    lines.splice(0, lines.length, ...candidate);
    current = next;
  }
  return current.replace(/\n{3,}/g, "\n\n");
}
