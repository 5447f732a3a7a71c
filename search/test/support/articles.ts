import type { Locale } from "@inkstone/config";
import type { SearchDocumentInput } from "../../src/index.ts";

/** A published article in one locale, as the CMS would hand it over; override what the test cares about. */
export function article(overrides: Partial<SearchDocumentInput> & { documentId: string }): SearchDocumentInput {
  const locale: Locale = overrides.locale ?? "en";
  return {
    locale,
    slug: `${overrides.documentId}-slug`,
    title: `Article ${overrides.documentId}`,
    summary: "",
    body: "",
    tags: [],
    category: null,
    author: { handle: "anon", displayName: "Anonymous" },
    publishedAt: "2024-01-01T00:00:00Z",
    likes: 0,
    ...overrides,
  };
}

/** The batches a reindex reads, from a plain array. */
export async function* batches<T>(items: readonly T[], size = 100): AsyncGenerator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
