import { z } from "zod";
import { LOCALES } from "../constants.ts";

/**
 * One published article in one locale, as the CMS hands it to the search module.
 * The index key is `${documentId}-${locale}` (see `searchDocumentId`).
 */
export const searchDocumentSchema = z.object({
  documentId: z.string().min(1),
  locale: z.enum(LOCALES),
  slug: z.string().min(1),
  title: z.string(),
  summary: z.string().default(""),
  /** Markdown body; the search module strips it to text before indexing. */
  body: z.string().default(""),
  tags: z.array(z.object({ slug: z.string(), name: z.string() })).default([]),
  category: z.object({ slug: z.string(), name: z.string() }).nullable().default(null),
  author: z.object({ handle: z.string(), displayName: z.string() }).nullable().default(null),
  /** ISO 8601. */
  publishedAt: z.string(),
  likes: z.number().int().nonnegative().default(0),
  /** Visible comments; absent is none (optional, so documents built before it, e.g. in fixtures, still fit). */
  comments: z.number().int().nonnegative().optional(),
  readingMinutes: z.number().int().nonnegative().default(0),
  featured: z.boolean().default(false),
  coverUrl: z.string().nullable().default(null),
});
export type SearchDocument = z.infer<typeof searchDocumentSchema>;

/** The primary key of an article's document in the index: one per article and locale. */
export function searchDocumentId(documentId: string, locale: string): string {
  return `${documentId}-${locale}`;
}
