import type { Locale } from "@inkstone/config";
import { cite } from "../writer/offline-writer.ts";
import { keywordsOf, relevance, sentencesOf } from "../writer/sentences.ts";
import { citationsOf } from "./answer-text.ts";
import type { Composer } from "./compose.ts";
import { type Passage, questionWords } from "./passages.ts";
import { ASK_WORDING } from "./wording.ts";

/** Sentences an extractive answer quotes, in all and from one article. */
const MOST_SENTENCES = 8;
const PER_ARTICLE = 2;

/**
 * Answers without a language model: a line saying so, then the sentences of the passages that share most words
 * with the question, each article's in a paragraph of their own with its `[n]` (numbered in the order quoted).
 * Handed over a sentence at a time, so the reader watches it arrive like a written answer.
 */
export function extractiveComposer(): Composer {
  return {
    mode: "extractive",
    async compose({ input, passages, signal, show, settle }) {
      const cited: number[] = [];
      let text = ASK_WORDING[input.locale].extracted;
      show({ text, citations: [] });
      await settle();
      for (const { passage, sentences } of pickQuotes(passages, questionWords(input))) {
        cited.push(passage.n);
        const citations = citationsOf(cited, passages);
        for (const [index, sentence] of sentences.entries()) {
          signal.throwIfAborted();
          const glue = index === 0 ? "\n\n" : passage.locale === "zh-CN" ? "" : " ";
          text += glue + cite(sentence, cited.length, passage.locale);
          show({ text, citations });
          await settle();
        }
      }
      return { text, citations: citationsOf(cited, passages) };
    },
  };
}

type Quote = { passage: Passage; sentences: string[] };

/** The best sentences per passage, in the passages' order (best article first); never empty for found passages. */
function pickQuotes(passages: readonly Passage[], words: Set<string>): Quote[] {
  const scored = passages.map((passage) => {
    const sentences = [...new Set(sentencesOf(passage.text, passage.locale))].filter((s) => !/https?:\/\//.test(s));
    const ranked = sentences
      .map((sentence, index) => ({
        sentence,
        index,
        shared: overlap(sentence, words, passage.locale),
        score: relevance(sentence, words, passage.locale),
      }))
      .sort((a, b) => b.score - a.score || a.index - b.index);
    return { passage, ranked };
  });
  let quotes = scored.flatMap(({ passage, ranked }) => {
    const best = ranked.filter((entry) => entry.shared > 0).slice(0, PER_ARTICLE);
    // Quoted in the article's own order, so the sentences read as they were written.
    const sentences = best.sort((a, b) => a.index - b.index).map((entry) => entry.sentence);
    return sentences.length ? [{ passage, sentences }] : [];
  });
  // Search matched these articles on words the sentences do not share (another language, a synonym): quote the
  // opening sentences of the best of them rather than nothing.
  if (quotes.length === 0)
    quotes = scored.slice(0, 3).flatMap(({ passage, ranked }) => {
      const first = ranked.sort((a, b) => a.index - b.index).slice(0, PER_ARTICLE);
      // An article too short to have sentences of prose: its opening words.
      const opening = passage.text.replace(/\s+/g, " ").trim().slice(0, 300);
      return [{ passage, sentences: first.length ? first.map((entry) => entry.sentence) : [opening] }];
    });
  let room = MOST_SENTENCES;
  return quotes.flatMap((quote) => {
    const sentences = quote.sentences.slice(0, room);
    room -= sentences.length;
    return sentences.length ? [{ ...quote, sentences }] : [];
  });
}

function overlap(sentence: string, words: Set<string>, locale: Locale): number {
  let shared = 0;
  for (const word of keywordsOf(sentence, locale)) if (words.has(word)) shared++;
  return shared;
}
