import type { ReadSource } from "../research/types.ts";
import { containment, ngrams, SUPPORT_THRESHOLD } from "./grounding.ts";
import { type Bm25, bm25 } from "./offline/bm25.ts";
import { type Candidate, candidatesOf } from "./offline/pool.ts";
import { termsOf } from "./offline/terms.ts";
import type { Outline, WriteContext } from "./types.ts";

/** Most sentences a section is given to write from: enough to choose from, few enough for a small context. */
const MAX_SENTENCES = 24;
/** Material offered per unit of the section's share: room to choose, not just enough to copy. */
const MATERIAL_FACTOR = 3;
/** Sentences from the sources the outline named for a section count this much more. */
const NAMED_SOURCE_BOOST = 1.5;

type Index = { candidates: Candidate[]; ranking: Bm25 };
const indexes = new WeakMap<readonly ReadSource[], Index>();

function indexOf(context: WriteContext): Index {
  let index = indexes.get(context.sources);
  if (!index) {
    const candidates = candidatesOf(context.sources, context.request.language);
    index = { candidates, ranking: bm25(candidates.map((candidate) => candidate.terms)) };
    indexes.set(context.sources, index);
  }
  return index;
}

/**
 * The sources' sentences that say most about section `index` — its heading and points weighed twice, the topic once,
 * ranked by BM25 (the offline writer's ranking), sentences from the sources the outline named for it preferred —
 * listed by source in reading order, as `[n] title — url` then the sentences: what the model writes the section from,
 * instead of the first pages of every source. Sentences `avoid` already says are left out (asked to continue, the
 * model is given what it has not used). Undefined when the sources hold no sentence in the article's language.
 */
export function evidenceBlock(
  context: WriteContext,
  outline: Outline,
  index: number,
  share: number,
  avoid: readonly string[] = [],
): string | undefined {
  const section = outline.sections[index];
  const { candidates, ranking } = indexOf(context);
  if (!section || candidates.length === 0) return undefined;
  const language = context.request.language;
  const weights = new Map<string, number>();
  for (const term of termsOf(context.request.topic, language)) weights.set(term, 1);
  for (const term of termsOf(`${section.heading} ${section.points.join(" ")}`, language)) weights.set(term, 2);
  const named = new Set(section.sources);
  const said = avoid.map((text) => ngrams(text, language));
  const fresh = (candidate: Candidate) => {
    const grams = ngrams(candidate.sentence, language);
    return !said.some((pool) => containment(grams, pool) >= SUPPORT_THRESHOLD);
  };
  const ranked = candidates
    .map((candidate) => ({
      candidate,
      score:
        ranking.score(candidate.id, weights.keys(), weights) * (named.has(candidate.n) ? NAMED_SOURCE_BOOST : 1) +
        // Ties (no shared term) go to sentences early in their page, where pages say what they are about.
        (1 - candidate.position / Math.max(1, candidate.of)) * 1e-3,
    }))
    .sort((a, b) => b.score - a.score)
    .map(({ candidate }) => candidate)
    .filter(fresh);
  const chosen: Candidate[] = [];
  let units = 0;
  for (const candidate of ranked) {
    if (chosen.length >= MAX_SENTENCES || units >= share * MATERIAL_FACTOR) break;
    chosen.push(candidate);
    units += candidate.units;
  }
  if (chosen.length === 0) return undefined;
  const bySource = new Map<number, Candidate[]>();
  for (const candidate of chosen) bySource.set(candidate.n, [...(bySource.get(candidate.n) ?? []), candidate]);
  return [...bySource.entries()]
    .sort(([a], [b]) => a - b)
    .map(([n, picked]) => {
      const source = context.sources[n - 1];
      const sentences = picked.sort((a, b) => a.position - b.position).map((candidate) => candidate.sentence);
      return `[${n}] ${source?.title ?? ""} — ${source?.url ?? ""}\n${sentences.join(language === "zh-CN" ? "" : " ")}`;
    })
    .join("\n\n");
}
