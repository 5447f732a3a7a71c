import type { Locale } from "@inkstone/config";
import type { Shortfall } from "../../run/log-keys.ts";
import { withCitations } from "../ground-section.ts";
import { PART_HEADINGS } from "../structure.ts";
import type { WriteContext } from "../types.ts";
import { type Bm25, bm25 } from "./bm25.ts";
import { measureLength } from "./length.ts";
import { keyPhrases } from "./phrases.ts";
import { type Candidate, candidatesOf } from "./pool.ts";
import { jaccard, termsOf } from "./terms.ts";

/** A section of the planned article: its heading, the sources it cites and its Markdown body with `[n]`. */
export type PlannedSection = { heading: string; sources: number[]; body: string; units: number };

export type ArticlePlan = {
  title: string;
  summary: string;
  tags: string[];
  sections: PlannedSection[];
  /** The body's length as the request counts it, and the target. */
  length: number;
  target: number;
  /** Why the plan falls short of the target, when it does: what the sources hold, and how much of it was used. */
  shortfall?: Shortfall;
  sentences: number;
  /** Whether the plan quotes the creator's material (uncited): no source in the language, or too little in them. */
  fromMaterial: boolean;
};

/** Below this share of the target, the sources are too thin and the creator's material is quoted instead. */
const THIN_SOURCES = 0.3;

/** What a plan is made from: the request, the sources and material, and the community's tag names. */
export type PlanContext = Pick<WriteContext, "request" | "sources" | "material" | "taxonomy">;

const WORDING = {
  "zh-CN": {
    ...PART_HEADINGS["zh-CN"],
    material: "来自你的资料",
    fallback: ["背景", "要点", "细节"],
    title: (topic: string, phrases: string[]) =>
      phrases.length ? `${topic}：${phrases.slice(0, 2).join("与")}` : `${topic}概览`,
  },
  en: {
    ...PART_HEADINGS.en,
    material: "From your material",
    fallback: ["Background", "Key points", "Details"],
    title: (topic: string, phrases: string[]) =>
      phrases.length
        ? `${titleCase(topic)}: ${phrases.slice(0, 2).map(titleCase).join(" and ")}`
        : `${titleCase(topic)}: An Overview`,
  },
} as const;

// Headings that are about the page, not the subject.
const FURNITURE_HEADING =
  /^(references?|sources?|notes?|see also|external links|further reading|contents|table of contents|related( articles| posts)?|comments?|share|navigation|menu|参考(资料|文献)|注释|目录|相关(阅读|文章|推荐)|评论|分享|延伸阅读|外部链接)$/i;
// What conclusions tend to start with.
const CONCLUDING =
  /总之|总的来说|综上|总体而言|未来|展望|因此|overall|in summary|in conclusion|in short|ultimately|future|looking ahead|therefore/i;

const ANAPHORIC =
  /^(this|these|that|those|it|its|they|their|such|however|but|and|so|also|instead|then|here|there)\b|^(这|那|该|它|此|但|而|因此|所以|同时|此外|另外|其)/i;

const MAX_DUPLICATE = 0.6;

/**
 * Plans the whole article from the sources: an introduction of the most central sentences, three to six sections
 * under the sources' own headings (or the phrases they keep coming back to), and a conclusion; sentences are picked
 * by BM25 relevance with maximal marginal relevance, so nothing is said twice, until the target length is met.
 * Deterministic: the same sources and request give the same plan, so a resumed run writes the same article.
 */
export function planArticle(context: PlanContext): ArticlePlan {
  const { request } = context;
  const language = request.language;
  const wording = WORDING[language];
  const target = request.targetLength;
  const fromSources = candidatesOf(context.sources, language);
  // Without sources it can quote in the article's language (none read, or none in that language), the creator's
  // material is all there is: it is quoted, uncited (n = 0).
  const fromMaterial = fromSources.length === 0;
  // Sources that hold under a third of the length asked for get the creator's material after them, uncited.
  const sourceLength = fromSources.reduce((sum, candidate) => sum + measureLength(candidate.sentence, language), 0);
  const materialAfter = !fromMaterial && context.material.length > 0 && sourceLength < target * THIN_SOURCES;
  const pool = fromMaterial
    ? candidatesOf(
        context.material.map((m) => ({ url: "", title: m.name, text: m.text, origin: "creator" as const })),
        language,
      ).map((candidate) => ({ ...candidate, n: 0 }))
    : fromSources;
  const index = bm25(pool.map((candidate) => candidate.terms));
  const topicTerms = termsOf(`${request.topic} ${request.idea}`, language);
  const relevance = normalized(pool.map((c) => index.score(c.id, topicTerms)));
  const centrality = normalized(centralityOf(pool, index));
  // A sentence that leans on the one before it ("This…", "但……") reads badly on its own.
  const base = pool.map(
    (c, i) => 0.55 * (relevance[i] ?? 0) + 0.45 * (centrality[i] ?? 0) - (ANAPHORIC.test(c.sentence) ? 0.2 : 0),
  );

  const phrases = keyPhrases(pool, request.topic, language, 8);
  const groups = sectionGroups(pool, base, phrases, context, language, target);

  const taken = new Set<number>();
  const pick = (scored: { id: number; score: number }[], budget: number, perSourcePenalty: number) =>
    selectMmr(pool, scored, budget, taken, perSourcePenalty);

  // Budgets share out what can be written: the target, or less when the sources hold less, so that small sources
  // still give an introduction, sections and a conclusion rather than one long introduction.
  const writable = Math.min(target, distinctUnits(pool));
  const introBudget = Math.round(writable * 0.15);
  const conclusionBudget = Math.round(writable * 0.12);
  const sectionBudget = (writable - introBudget - conclusionBudget) / Math.max(1, groups.length);

  const intro = pick(
    pool.map((c) => ({
      id: c.id,
      score: (base[c.id] ?? 0) + (c.position < 2 ? 0.2 : 0) - (CONCLUDING.test(c.sentence) ? 0.3 : 0),
    })),
    introBudget,
    0.15,
  );
  const conclusion = pick(
    pool.map((c) => ({
      id: c.id,
      score:
        0.7 * (centrality[c.id] ?? 0) +
        0.3 * (relevance[c.id] ?? 0) +
        (CONCLUDING.test(c.sentence) ? 0.3 : 0) +
        (c.position >= c.of * 0.7 ? 0.15 : 0) -
        (ANAPHORIC.test(c.sentence) ? 0.2 : 0),
    })),
    conclusionBudget,
    0.15,
  );
  const bodies = groups.map((group) => {
    const query = termsOf(group.heading, language);
    const fit = normalized(group.members.map((id) => index.score(id, query)));
    return pick(
      group.members.map((id, i) => ({
        id,
        score: 0.5 * (fit[i] ?? 0) + 0.3 * (relevance[id] ?? 0) + 0.2 * (centrality[id] ?? 0),
      })),
      sectionBudget,
      0,
    );
  });

  // Short of the target: the rest of the sentences, best first, go to a section they belong to (by the source's
  // heading), else to one whose heading they match, else to the one quoting most of their source.
  const total = () => [intro, conclusion, ...bodies].reduce((sum, part) => sum + unitsOf(pool, part), 0);
  const queries = groups.map((group) => termsOf(group.heading, language));
  const rest = pool
    .filter((c) => !taken.has(c.id))
    .sort((a, b) => (base[b.id] ?? 0) - (base[a.id] ?? 0) || a.id - b.id);
  const homes: ((candidate: Candidate) => number | undefined)[] = [
    (candidate) => {
      const g = groups.findIndex((group) => group.members.includes(candidate.id));
      return g < 0 ? undefined : g;
    },
    (candidate) =>
      best(
        groups.map((_, g) => index.score(candidate.id, queries[g] ?? [])),
        0,
      ),
    (candidate) =>
      best(
        groups.map(
          (_, g) =>
            (bodies[g] ?? []).filter((id) => pool[id]?.n === candidate.n).length -
            0.001 * unitsOf(pool, bodies[g] ?? []),
        ),
        Number.NEGATIVE_INFINITY,
      ),
  ];
  for (const home of groups.length ? homes : []) {
    for (const candidate of rest) {
      const now = total();
      if (now >= target * 0.98) break;
      if (taken.has(candidate.id) || now + candidate.units > target * 1.1) continue;
      const g = home(candidate);
      if (g === undefined || isDuplicate(pool, candidate, taken)) continue;
      bodies[g]?.push(candidate.id);
      taken.add(candidate.id);
    }
  }

  const sections: PlannedSection[] = [];
  const render = (heading: string, ids: number[], ordered: boolean) => {
    if (!ids.length) return;
    const items = ids.map((id) => pool[id] as Candidate);
    if (ordered) items.sort((a, b) => a.n - b.n || a.position - b.position);
    sections.push({
      heading,
      sources: [...new Set(items.map((item) => item.n).filter((n) => n > 0))],
      body: paragraphs(items, language),
      units: unitsOf(pool, ids),
    });
  };
  render(wording.introduction, intro, false);
  groups.forEach((group, g) => {
    render(group.heading, bodies[g] ?? [], true);
  });
  render(wording.conclusion, conclusion, false);
  if (materialAfter) {
    const quoted = candidatesOf(
      context.material.map((m) => ({ url: "", title: m.name, text: m.text, origin: "creator" as const })),
      language,
    ).map((candidate) => ({ ...candidate, n: 0 }));
    if (quoted.length)
      sections.push({
        heading: wording.material,
        sources: [],
        body: paragraphs(quoted, language),
        units: quoted.reduce((sum, candidate) => sum + measureLength(candidate.sentence, language), 0),
      });
  }

  const length = sections.reduce((sum, section) => sum + section.units, 0);
  const available = pool.reduce((sum, c) => sum + c.units, 0);
  const unit = language === "zh-CN" ? "characters" : "words";
  const shortfall: Shortfall | undefined =
    length < target * 0.85 ? { sentences: pool.length, available, used: taken.size, length, target, unit } : undefined;
  const firstIntro = intro[0] === undefined ? undefined : pool[intro[0]];
  return {
    title: wording.title(request.topic.trim(), titlePhrases(groups, phrases, language)).slice(0, 200),
    summary: shorten(firstIntro?.sentence ?? request.idea, 300),
    tags: tagsFor(context, language),
    sections,
    length,
    target,
    sentences: pool.length,
    fromMaterial: fromMaterial || materialAfter,
    ...(shortfall ? { shortfall } : {}),
  };
}

/** How central each sentence is: BM25 against the terms most sentences share (the sources' centroid). */
function centralityOf(pool: readonly Candidate[], index: Bm25): number[] {
  const df = new Map<string, number>();
  for (const candidate of pool) for (const term of candidate.set) df.set(term, (df.get(term) ?? 0) + 1);
  const common = [...df.entries()]
    .filter(([, d]) => d >= 2)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 60);
  const weights = new Map(common.map(([term, d]) => [term, d / Math.max(1, pool.length)]));
  const query = [...weights.keys()];
  return pool.map((c) => index.score(c.id, query, weights));
}

type Group = { heading: string; members: number[]; order: number; strength: number };

/** What the title adds to the topic: the strongest short section heading the sources gave, else key phrases. */
function titlePhrases(groups: readonly Group[], phrases: readonly string[], language: Locale): string[] {
  const short = language === "zh-CN" ? 12 : 40;
  const fallback = new Set<string>(WORDING[language].fallback);
  const strongest = [...groups]
    .filter((g) => g.heading.length <= short && !fallback.has(g.heading) && !phrases.includes(g.heading.toLowerCase()))
    .sort((a, b) => b.strength - a.strength || a.order - b.order)[0];
  return strongest ? [strongest.heading] : [...phrases];
}

/**
 * The sections: the sources' own headings where they cover the subject (near-identical headings of different
 * sources merged), else the phrases the sources keep coming back to, else plain headings over everything.
 */
function sectionGroups(
  pool: readonly Candidate[],
  base: readonly number[],
  phrases: readonly string[],
  context: Pick<WriteContext, "request" | "sources">,
  language: Locale,
  target: number,
): Group[] {
  const wanted = Math.min(6, Math.max(3, Math.round(target / (language === "zh-CN" ? 220 : 130))));
  const maxHeading = language === "zh-CN" ? 24 : 70;
  const titles = new Set(
    [context.request.topic, ...context.sources.map((s) => s.title)].map((t) => t.toLowerCase().replace(/\s+/g, "")),
  );
  const byHeading: { heading: string; set: Set<string>; members: number[] }[] = [];
  for (const candidate of pool) {
    const heading = cleanHeading(candidate.heading);
    if (!heading || heading.length > maxHeading || FURNITURE_HEADING.test(heading)) continue;
    if (titles.has(heading.toLowerCase().replace(/\s+/g, ""))) continue;
    const set = new Set(termsOf(heading, language));
    const same = byHeading.find((g) => g.heading === heading || jaccard(g.set, set) > 0.5);
    if (same) same.members.push(candidate.id);
    else byHeading.push({ heading, set, members: [candidate.id] });
  }
  const strength = (members: number[]) =>
    members
      .map((id) => base[id] ?? 0)
      .sort((a, b) => b - a)
      .slice(0, 3)
      .reduce((sum, s) => sum + s, 0);
  const groups: Group[] = byHeading
    .filter((g) => g.members.length >= 2)
    .sort((a, b) => strength(b.members) - strength(a.members) || (a.members[0] ?? 0) - (b.members[0] ?? 0))
    .slice(0, wanted)
    .map((g) => ({
      heading: g.heading,
      members: g.members,
      order: Math.min(...g.members),
      strength: strength(g.members),
    }));

  for (const phrase of phrases) {
    if (groups.length >= Math.min(wanted, 3)) break;
    if (groups.some((g) => g.heading.toLowerCase().includes(phrase))) continue;
    const members = pool.filter((c) => c.sentence.toLowerCase().includes(phrase)).map((c) => c.id);
    if (members.length < 2) continue;
    const heading = language === "zh-CN" ? phrase : capitalized(phrase);
    groups.push({ heading, members, order: Math.min(...members), strength: 0 });
  }
  const fallback = WORDING[language].fallback;
  for (const heading of fallback) {
    if (groups.length >= 3) break;
    // Plain headings share out what the other sections did not claim, in the sources' order.
    const claimed = new Set(groups.flatMap((g) => g.members));
    const rest = pool.filter((c) => !claimed.has(c.id)).map((c) => c.id);
    const share = rest.slice(0, Math.ceil(rest.length / (3 - groups.length)));
    if (!share.length) break;
    groups.push({ heading, members: share, order: Math.min(...share), strength: 0 });
  }
  return groups.sort((a, b) => a.order - b.order);
}

/**
 * Picks sentences by maximal marginal relevance until `budget` is met: the best-scoring sentence that is not a
 * near-duplicate (Jaccard > 0.6) of any sentence already in the article, discounted by its likeness to this part's
 * picks and, by `perSourcePenalty`, for a source this part already quotes; a source the article does not quote
 * yet gets a small bonus, so every useful source is cited.
 */
function selectMmr(
  pool: readonly Candidate[],
  scored: readonly { id: number; score: number }[],
  budget: number,
  taken: Set<number>,
  perSourcePenalty: number,
): number[] {
  const lambda = 0.7;
  const picked: number[] = [];
  let units = 0;
  const open = scored.filter((s) => !taken.has(s.id));
  // Coverage: a source the article does not quote yet is worth a little more than one it already does.
  const quoted = new Set([...taken].map((id) => pool[id]?.n));
  while (units < budget * 0.9 && open.length) {
    let best = -1;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < open.length; i++) {
      const { id, score } = open[i] as { id: number; score: number };
      const candidate = pool[id] as Candidate;
      if (picked.length && units + candidate.units > budget * 1.15) continue;
      let likeness = 0;
      for (const other of picked) likeness = Math.max(likeness, jaccard(candidate.set, (pool[other] as Candidate).set));
      const sameSource = picked.some((other) => pool[other]?.n === candidate.n) ? perSourcePenalty : 0;
      const unquoted = quoted.has(candidate.n) ? 0 : 0.1;
      const value = lambda * score - (1 - lambda) * likeness - sameSource + unquoted;
      if (value > bestValue || (value === bestValue && id < (open[best]?.id ?? Infinity))) {
        bestValue = value;
        best = i;
      }
    }
    if (best < 0) break;
    const [chosen] = open.splice(best, 1);
    if (!chosen) break;
    const candidate = pool[chosen.id] as Candidate;
    if (isDuplicate(pool, candidate, taken)) continue;
    picked.push(chosen.id);
    taken.add(chosen.id);
    quoted.add(candidate.n);
    units += candidate.units;
  }
  return picked;
}

/** The length of the pool without its near-duplicates (an estimate, for large pools an upper bound). */
function distinctUnits(pool: readonly Candidate[]): number {
  if (pool.length > 1500) return pool.reduce((sum, c) => sum + c.units, 0);
  const kept = new Set<number>();
  let units = 0;
  for (const candidate of pool)
    if (!isDuplicate(pool, candidate, kept)) {
      kept.add(candidate.id);
      units += candidate.units;
    }
  return units;
}

function isDuplicate(pool: readonly Candidate[], candidate: Candidate, taken: ReadonlySet<number>): boolean {
  for (const id of taken) {
    const other = pool[id];
    if (other && jaccard(candidate.set, other.set) > MAX_DUPLICATE) return true;
  }
  return false;
}

/**
 * Sentences as paragraphs: a run of sentences from one source (three at most) makes a paragraph, cited once at its
 * end, so every paragraph says where it comes from and every cited sentence is the source's own.
 */
function paragraphs(items: readonly Candidate[], language: Locale): string {
  const glue = language === "zh-CN" ? "" : " ";
  const out: string[] = [];
  let run: Candidate[] = [];
  let paragraph: string[] = [];
  let sentences = 0;
  const closeRun = () => {
    const last = run[run.length - 1];
    if (!last) return;
    const lines = run.map((c) => c.sentence);
    if (last.n > 0) lines[lines.length - 1] = cite(last.sentence, last.n, language);
    paragraph.push(lines.join(glue));
    sentences += run.length;
    run = [];
  };
  for (const item of items) {
    if (run.length && (run[0]?.n !== item.n || run.length >= 3)) {
      closeRun();
      // Paragraphs of three sentences or more, broken where the source changes.
      if (sentences >= 3) {
        out.push(paragraph.join(glue));
        paragraph = [];
        sentences = 0;
      }
    }
    run.push(item);
  }
  closeRun();
  if (paragraph.length) out.push(paragraph.join(glue));
  return out.join("\n\n");
}

/** The sentence with its citation before the closing punctuation: "… predictable [1]." / "……预测[1]。" */
export function cite(sentence: string, n: number, language: Locale): string {
  return withCitations(sentence, [n], language);
}

/** Existing tags whose names occur in the topic, the idea or the sources: those in the topic first, then by use. */
function tagsFor(context: PlanContext, language: Locale): string[] {
  const taxonomy = context.taxonomy ?? [];
  if (!taxonomy.length) return [];
  const topic = `${context.request.topic} ${context.request.idea}`.toLowerCase();
  const text = context.sources.map((s) => `${s.title}\n${s.text}`.toLowerCase()).join("\n");
  const scored = taxonomy
    .map((tag) => tag.trim())
    .filter((tag) => tag.length >= (language === "zh-CN" ? 1 : 2))
    .map((tag) => {
      const needle = tag.toLowerCase();
      const pattern =
        /^[\p{L}\p{N}\s-]+$/u.test(needle) && !/\p{Script=Han}/u.test(needle)
          ? new RegExp(`\\b${needle.replace(/[-\s]+/g, "[-\\s]+")}s?\\b`, "g")
          : undefined;
      const count = (haystack: string) =>
        pattern ? (haystack.match(pattern) ?? []).length : haystack.split(needle).length - 1;
      return { tag, inTopic: count(topic), uses: count(text) };
    })
    .filter((t) => t.inTopic + t.uses > 0)
    .sort((a, b) => b.inTopic - a.inTopic || b.uses - a.uses || (a.tag < b.tag ? -1 : 1));
  return [...new Set(scored.map((t) => t.tag))].slice(0, 5);
}

/** The index of the highest value above `floor` (the first on ties), if any. */
function best(values: readonly number[], floor: number): number | undefined {
  let chosen: number | undefined;
  values.forEach((value, i) => {
    if (value > floor && (chosen === undefined || value > (values[chosen] ?? 0))) chosen = i;
  });
  return chosen;
}

function unitsOf(pool: readonly Candidate[], ids: readonly number[]): number {
  return ids.reduce((sum, id) => sum + (pool[id]?.units ?? 0), 0);
}

function normalized(values: number[]): number[] {
  const max = Math.max(0, ...values);
  return max > 0 ? values.map((v) => v / max) : values.map(() => 0);
}

function cleanHeading(heading: string): string {
  return heading
    .replace(
      /^(\d+(\.\d+)*[.、)]?|[一二三四五六七八九十]+[、.．]|第[一二三四五六七八九十\d]+[章节部分][：:、\s]?)\s*/,
      "",
    )
    .replace(/[:：。.\s]+$/, "")
    .trim();
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const SMALL_WORDS = new Set("a an and as at but by for in of on or the to vs via with".split(" "));

function titleCase(text: string): string {
  return text
    .split(/\s+/)
    .map((word, i) =>
      i > 0 && SMALL_WORDS.has(word.toLowerCase()) ? word.toLowerCase() : word.charAt(0).toUpperCase() + word.slice(1),
    )
    .join(" ");
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
