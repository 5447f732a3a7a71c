import { LOCALES, type Locale } from "@inkstone/config";
import type { SearchResponse } from "meilisearch";
import { z } from "zod";
import { TEXT_KEY } from "./locales.ts";
import type { SearchParams } from "./query-params.ts";
import { FACET_ATTRIBUTE, FACET_SEPARATOR, FACETS, type Facet } from "./settings.ts";
import { highlightToHtml } from "./snippet.ts";

/** One result, ready to render: the `…Html` fields are escaped, with matches in `<mark>`. */
export type SearchHit = {
  documentId: string;
  locale: Locale;
  slug: string;
  titleHtml: string;
  summaryHtml: string;
  /** A cropped, highlighted piece of the body. */
  snippetHtml: string;
  tags: { slug: string; name: string }[];
  category: { slug: string; name: string } | null;
  author: { handle: string; displayName: string } | null;
  /** ISO 8601. */
  publishedAt: string;
  likes: number;
  /** Visible comments (documents indexed before the count was carried say 0 until re-indexed). */
  comments: number;
  readingMinutes: number;
  featured: boolean;
  coverUrl: string | null;
};

/** A facet value: `value` goes back into the filter, `label` is what the page shows. */
export type FacetCount = { value: string; label: string; count: number };

export type SearchResult = {
  /** The query as searched (trimmed). */
  query: string;
  hits: SearchHit[];
  /** Counts per value among all matches (not just this page), most frequent first. */
  facets: Record<Facet, FacetCount[]>;
  /** Number of matches (Meilisearch stops counting at MAX_TOTAL_HITS). */
  total: number;
  page: number;
  limit: number;
  totalPages: number;
  processingTimeMs: number;
};

const named = z.object({ slug: z.string(), name: z.string() });
const text = z.object({
  title: z.string().default(""),
  summary: z.string().default(""),
  excerpt: z.string().default(""),
});

// The index is ours, but what comes back over the wire is still checked before it reaches a page.
const hitSchema = z.object({
  documentId: z.string(),
  language: z.enum(LOCALES),
  card: z.object({
    slug: z.string(),
    publishedAt: z.string(),
    tags: z.array(named),
    category: named.nullable(),
    author: z.object({ handle: z.string(), displayName: z.string() }).nullable(),
    likes: z.number(),
    comments: z.number().optional(),
    readingMinutes: z.number(),
    featured: z.boolean(),
    coverUrl: z.string().nullable(),
  }),
  _formatted: z.record(z.string(), z.unknown()).optional(),
});

/** Turns Meilisearch's answer into a SearchResult. */
export function toSearchResult(response: SearchResponse, params: SearchParams): SearchResult {
  const facets = Object.fromEntries(
    FACETS.map((facet) => [facet, facetCounts(response.facetDistribution?.[FACET_ATTRIBUTE[facet]])]),
  );
  const total = response.totalHits ?? response.estimatedTotalHits ?? 0;
  return {
    query: params.q,
    hits: response.hits.map(toHit),
    facets: facets as Record<Facet, FacetCount[]>,
    total,
    page: params.page,
    limit: params.limit,
    totalPages: response.totalPages ?? Math.ceil(total / params.limit),
    processingTimeMs: response.processingTimeMs,
  };
}

function toHit(raw: unknown): SearchHit {
  const hit = hitSchema.parse(raw);
  const formatted = text.parse(hit._formatted?.[TEXT_KEY[hit.language]] ?? {});
  return {
    documentId: hit.documentId,
    locale: hit.language,
    slug: hit.card.slug,
    titleHtml: highlightToHtml(formatted.title),
    summaryHtml: highlightToHtml(formatted.summary),
    snippetHtml: highlightToHtml(formatted.excerpt),
    tags: hit.card.tags,
    category: hit.card.category,
    author: hit.card.author,
    publishedAt: hit.card.publishedAt,
    likes: hit.card.likes,
    comments: hit.card.comments ?? 0,
    readingMinutes: hit.card.readingMinutes,
    featured: hit.card.featured,
    coverUrl: hit.card.coverUrl,
  };
}

/**
 * Merges `slug␟name` counts by slug (a tag may be named differently per locale), labelled with its commonest
 * name (ties: the first in code-point order, so the label is stable).
 */
function facetCounts(distribution: Record<string, number> | undefined): FacetCount[] {
  const bySlug = new Map<string, FacetCount & { labelCount: number }>();
  for (const [raw, count] of Object.entries(distribution ?? {})) {
    const cut = raw.indexOf(FACET_SEPARATOR);
    const [value, label] = cut === -1 ? [raw, raw] : [raw.slice(0, cut), raw.slice(cut + 1)];
    const entry = bySlug.get(value);
    if (!entry) bySlug.set(value, { value, label, count, labelCount: count });
    else {
      entry.count += count;
      const better = count > entry.labelCount || (count === entry.labelCount && label < entry.label);
      if (better) Object.assign(entry, { label, labelCount: count });
    }
  }
  return [...bySlug.values()]
    .map(({ value, label, count }) => ({ value, label, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}
