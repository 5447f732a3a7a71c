import { type Locale, type SearchDocument, searchDocumentId, searchDocumentSchema } from "@inkstone/config";
import type { z } from "zod";
import { SearchError } from "./errors.ts";
import { TEXT_KEY, type TextKey } from "./locales.ts";
import { markdownToText, truncate } from "./markdown.ts";
import { FACET_SEPARATOR } from "./settings.ts";
import { stripMarkers } from "./snippet.ts";

/** How much of the body is kept for snippets: cropping scans the whole attribute, so keep it short. */
export const EXCERPT_CHARS = 600;

/** The text of one locale, under `zh` or `en` so Meilisearch segments it in that language. */
export type LocalizedText = {
  title: string;
  summary: string;
  /** Tag names (slugs are the filterable `tags`). */
  tags: string[];
  /** The whole body as plain text: searchable, never returned. */
  body: string;
  author: string;
  /** The body's beginning: returned and cropped into the snippet. */
  excerpt: string;
  /** Chinese only: every two-character run of the title, see `titleBigrams`. */
  titleGrams?: string;
};

/** What a hit needs to draw a result card, beyond the highlighted text. */
export type ArticleCard = {
  slug: string;
  publishedAt: string;
  tags: { slug: string; name: string }[];
  category: { slug: string; name: string } | null;
  author: { handle: string; displayName: string } | null;
  likes: number;
  comments: number;
  readingMinutes: number;
  featured: boolean;
  coverUrl: string | null;
};

/** One article in one locale as stored in Meilisearch. */
export type IndexDocument = {
  /** `searchDocumentId(documentId, locale)`: one document per article and locale. */
  id: string;
  documentId: string;
  language: Locale;
  /** Always true: only published versions are indexed; tenant tokens filter on it all the same. */
  published: true;
  tags: string[];
  category: string | null;
  author: string | null;
  /** Unix seconds, so date ranges are numeric comparisons. */
  publishedAt: number;
  likes: number;
  /** `slug␟name` companions of tags, category and author, counted as facets (see FACET_ATTRIBUTE). */
  tagFacet: string[];
  categoryFacet: string | null;
  authorFacet: string | null;
  card: ArticleCard;
} & { [key in TextKey]?: LocalizedText };

export type SearchDocumentInput = z.input<typeof searchDocumentSchema>;

// Meilisearch accepts only these characters in a document id.
const VALID_ID = /^[A-Za-z0-9_-]{1,511}$/;

/** Checks a document from the CMS against the contract; throws `invalid_document` with what is wrong. */
export function parseSearchDocument(input: unknown): SearchDocument {
  const parsed = searchDocumentSchema.safeParse(input);
  if (!parsed.success) {
    const where = describe(input);
    const detail = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new SearchError("invalid_document", `Article ${where} cannot be indexed: ${detail.join("; ")}`);
  }
  return parsed.data;
}

/** Maps a published article in one locale to its index document. */
export function toIndexDocument(input: SearchDocumentInput): IndexDocument {
  const doc = parseSearchDocument(input);
  const id = searchDocumentId(doc.documentId, doc.locale);
  if (!VALID_ID.test(id)) {
    throw new SearchError(
      "invalid_document",
      `Article ${id} cannot be indexed: ids allow only A–Z, a–z, 0–9, - and _.`,
    );
  }
  const publishedMs = Date.parse(doc.publishedAt);
  if (Number.isNaN(publishedMs)) {
    throw new SearchError("invalid_document", `Article ${id} cannot be indexed: publishedAt is not a date.`);
  }
  const title = stripMarkers(doc.title);
  const body = stripMarkers(markdownToText(doc.body));
  const text: LocalizedText = {
    title,
    summary: stripMarkers(doc.summary),
    tags: doc.tags.map((tag) => stripMarkers(tag.name)),
    body,
    author: stripMarkers(doc.author?.displayName ?? ""),
    excerpt: truncate(body, EXCERPT_CHARS),
  };
  if (doc.locale === "zh-CN") text.titleGrams = titleBigrams(title);
  return {
    id,
    documentId: doc.documentId,
    language: doc.locale,
    published: true,
    tags: doc.tags.map((tag) => tag.slug),
    category: doc.category?.slug ?? null,
    author: doc.author?.handle ?? null,
    publishedAt: Math.floor(publishedMs / 1000),
    likes: doc.likes,
    tagFacet: doc.tags.map((tag) => facetValue(tag.slug, tag.name)),
    categoryFacet: doc.category ? facetValue(doc.category.slug, doc.category.name) : null,
    authorFacet: doc.author ? facetValue(doc.author.handle, doc.author.displayName) : null,
    card: {
      slug: doc.slug,
      publishedAt: new Date(publishedMs).toISOString(),
      tags: doc.tags,
      category: doc.category,
      author: doc.author,
      likes: doc.likes,
      comments: doc.comments ?? 0,
      readingMinutes: doc.readingMinutes,
      featured: doc.featured,
      coverUrl: doc.coverUrl,
    },
    [TEXT_KEY[doc.locale]]: text,
  };
}

/**
 * Meilisearch matches whole words and word prefixes only, and jieba sometimes keeps a run such as "智能改" or
 * "中华人民" in one piece, so a query for a word inside that run finds nothing. Indexing every pair of adjacent
 * Han characters of the title (ranked last) lets any two-character query that occurs in a title find it.
 */
export function titleBigrams(title: string): string {
  const grams = new Set<string>();
  for (const run of title.match(/\p{Script=Han}{3,}/gu) ?? []) {
    const chars = [...run];
    for (let i = 0; i < chars.length - 1; i++) grams.add(`${chars[i]}${chars[i + 1]}`);
  }
  return [...grams].join(" ");
}

function facetValue(slug: string, name: string): string {
  const clean = (text: string) => text.replaceAll(FACET_SEPARATOR, "");
  return `${clean(slug)}${FACET_SEPARATOR}${clean(name)}`;
}

function describe(input: unknown): string {
  if (typeof input !== "object" || input === null) return "(not an object)";
  const record = input as Record<string, unknown>;
  return `${String(record.documentId ?? "?")}-${String(record.locale ?? "?")}`;
}
