import type { Locale } from "@inkstone/config";
import type { ReadSource } from "../research/types.ts";
import { keywordsOf, relevance, sentencesOf } from "./sentences.ts";
import type { Outline, WriteContext, Writer } from "./types.ts";

/** The model name recorded on drafts the offline writer composed. */
export const OFFLINE_MODEL = "offline-extractive";

const HEADINGS = {
  "zh-CN": { overview: "概述", material: "来自你的资料" },
  en: { overview: "Overview", material: "From your material" },
} as const;

/**
 * Composes an article without a language model: an overview from the best sentence of the most relevant sources,
 * then a section per source made of its most relevant sentences in their original order, each cited. Deterministic,
 * so a resumed run writes the same sections again.
 */
export function offlineWriter(): Writer {
  return {
    offline: true,
    models: [OFFLINE_MODEL],
    async outline(context) {
      return offlineOutline(context);
    },
    async section(context, outline, index) {
      const section = outline.sections[index];
      if (!section) throw new Error(`no section ${index} in the outline`);
      const language = context.request.language;
      const query = queryFor(context, section.heading);
      if (section.sources.length === 0) {
        const text = context.material.map((m) => m.text).join("\n\n");
        const picked = pick(sentencesOf(text, language), query, language, 5);
        return picked.length ? join(picked, language) : text.slice(0, 800);
      }
      const overview = outline.sections[0];
      const overviewPick = (n: number) =>
        ranked(sourceAt(context.sources, n), queryFor(context, overview?.heading ?? ""), language)[0];
      if (index === 0) {
        const lines = section.sources.flatMap((n) => {
          const best = overviewPick(n);
          return best ? [cite(best, n, language)] : [];
        });
        return [context.request.idea, join(lines, language)].filter(Boolean).join("\n\n");
      }
      const n = section.sources[0] as number;
      const source = sourceAt(context.sources, n);
      // The overview already quoted its best sentence of this source.
      const used = overview?.sources.includes(n) ? overviewPick(n) : undefined;
      const best = ranked(source, query, language)
        .filter((sentence) => sentence !== used)
        .slice(0, 4);
      const inOrder = [...new Set(sentencesOf(source.text, language))].filter((sentence) => best.includes(sentence));
      const lines = inOrder.length
        ? inOrder.map((sentence) => cite(sentence, n, language))
        : [`${source.text.slice(0, 400)} [${n}]`];
      return join(lines, language);
    },
  };
}

/** An outline built from the sources alone (also the LLM writer's fallback when a model's outline is unusable). */
export function offlineOutline(context: WriteContext): Outline {
  const { request, sources } = context;
  const language = request.language;
  const query = keywordsOf(`${request.topic} ${request.idea}`, language);
  const top = sources
    .map((source, index) => ({
      n: index + 1,
      score: relevance(`${source.title} ${source.text.slice(0, 2000)}`, query, language),
    }))
    .sort((a, b) => b.score - a.score || a.n - b.n)
    .slice(0, 5)
    .map((entry) => entry.n);
  const headings = HEADINGS[language];
  const sections: Outline["sections"] = [];
  if (top.length) sections.push({ heading: headings.overview, points: [], sources: top.slice(0, 3) });
  for (const n of top) sections.push({ heading: shorten(sourceAt(sources, n).title, 80), points: [], sources: [n] });
  if (context.material.length) sections.push({ heading: headings.material, points: [], sources: [] });
  const first = top[0];
  const summary = first ? (ranked(sourceAt(sources, first), query, language)[0] ?? "") : request.idea;
  return { title: request.topic, summary: shorten(summary, 300), tags: [], sections };
}

function queryFor(context: WriteContext, heading: string): Set<string> {
  return keywordsOf(`${context.request.topic} ${context.request.idea} ${heading}`, context.request.language);
}

/** The sentence with its citation before the closing punctuation: "… predictable [1]." / "……预测[1]。" */
export function cite(sentence: string, n: number, language: Locale): string {
  const marker = language === "zh-CN" ? `[${n}]` : ` [${n}]`;
  const match = /[.!?。！？]+["'”’）)]*$/.exec(sentence);
  return match ? `${sentence.slice(0, match.index)}${marker}${match[0]}` : `${sentence}${marker}`;
}

function sourceAt(sources: readonly ReadSource[], n: number): ReadSource {
  const source = sources[n - 1];
  if (!source) throw new Error(`no source ${n}`);
  return source;
}

function ranked(source: ReadSource, query: Set<string>, language: Locale): string[] {
  return pick(sentencesOf(source.text, language), query, language, 8);
}

function pick(sentences: string[], query: Set<string>, language: Locale, count: number): string[] {
  const unique = [...new Set(sentences)];
  return unique
    .map((sentence, index) => ({ sentence, index, score: relevance(sentence, query, language) }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, count)
    .map((entry) => entry.sentence);
}

/** Two or three sentences a paragraph. */
function join(lines: string[], language: Locale): string {
  const glue = language === "zh-CN" ? "" : " ";
  const paragraphs: string[] = [];
  for (let i = 0; i < lines.length; i += 3) paragraphs.push(lines.slice(i, i + 3).join(glue));
  return paragraphs.join("\n\n");
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
