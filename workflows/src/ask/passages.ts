import type { Locale } from "@inkstone/config";
import { MAX_QUERY_LENGTH, SearchError } from "@inkstone/search";
import { MAX_SOURCE_CHARS } from "../fetch/extract.ts";
import { PipelineError } from "../pipeline/errors.ts";
import { articleText, type CommunityArticles } from "../research/community.ts";
import type { RunLog } from "../research/types.ts";
import { keywordsOf, relevance } from "../writer/sentences.ts";
import type { AskInput } from "./contract.ts";

/** Articles an answer is grounded in, at most. */
export const ANSWER_ARTICLES = 6;

/** A published article an answer may cite as `[n]`, with its text as research reads it. */
export type Passage = {
  n: number;
  documentId: string;
  locale: Locale;
  slug: string;
  title: string;
  text: string;
};

/** The question, and for a follow-up the question before it (what "it" and "that" refer to). */
export function askedAbout(input: Pick<AskInput, "question" | "history">): string[] {
  const previous = input.history.findLast((turn) => turn.role === "question")?.text;
  return previous ? [input.question, previous] : [input.question];
}

/** The search for an answer: the question first, then the previous question, within the search module's limit. */
export function searchQuery(asked: readonly string[]): string {
  let query = "";
  for (const text of asked) {
    const room = MAX_QUERY_LENGTH - query.length - (query ? 1 : 0);
    if (room <= 0) break;
    query = [query, text.replace(/\s+/g, " ").trim().slice(0, room)].filter(Boolean).join(" ");
  }
  return query;
}

/**
 * The published articles that best match the question, both languages with `locale` first, read in full from the
 * CMS. Search being down, or every article found being unreadable, is a retryable failure: answering "nothing
 * found" then would not be true.
 */
export async function findPassages(
  articles: CommunityArticles,
  input: Pick<AskInput, "question" | "history" | "locale">,
  { signal, log }: { signal: AbortSignal; log: RunLog },
): Promise<Passage[]> {
  let result: Awaited<ReturnType<CommunityArticles["find"]>>;
  try {
    result = await articles.find({
      q: searchQuery(askedAbout(input)),
      language: input.locale,
      limit: ANSWER_ARTICLES,
      signal,
      log,
    });
  } catch (error) {
    if (!(error instanceof SearchError)) throw error;
    throw new PipelineError("search-unavailable", error.message, error.retryable);
  }
  if (result.found.length === 0 && result.unreadable > 0)
    throw new PipelineError("cms-unavailable", "none of the articles found could be read from the CMS", true);
  return result.found.map(({ article }, index) => ({
    n: index + 1,
    documentId: article.documentId,
    locale: article.locale,
    slug: article.slug,
    title: article.title,
    text: articleText(article).slice(0, MAX_SOURCE_CHARS),
  }));
}

/** The content words of what was asked, for ranking paragraphs and sentences. */
export function questionWords(input: Pick<AskInput, "question" | "history" | "locale">): Set<string> {
  return keywordsOf(askedAbout(input).join(" "), input.locale);
}

/** The paragraphs of `passage` that say most about `words`, in their order, within `budget` characters. */
export function excerpt(passage: Passage, words: Set<string>, budget: number): string {
  const paragraphs = passage.text.split(/\n\s*\n/).filter(Boolean);
  const ranked = paragraphs
    .map((text, index) => ({ text, index, score: relevance(text, words, passage.locale) }))
    .sort((a, b) => b.score - a.score || a.index - b.index);
  const kept = new Set<number>();
  let used = 0;
  for (const paragraph of ranked) {
    if (used + paragraph.text.length > budget) continue;
    kept.add(paragraph.index);
    used += paragraph.text.length + 2;
  }
  // A first paragraph longer than the budget still gives the model something.
  if (kept.size === 0) return passage.text.slice(0, budget);
  return paragraphs.filter((_, index) => kept.has(index)).join("\n\n");
}
