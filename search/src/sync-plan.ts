import { type Locale, type OutboxEvent, outboxEventSchema, searchDocumentId } from "@inkstone/config";
import { type IndexDocument, toIndexDocument } from "./document.ts";
import { SearchError } from "./errors.ts";
import { allOf, equals, isIn } from "./filter.ts";
import type { OutboxStore } from "./outbox-store.ts";

/** Everything one drain must bring up to date for one article, and the outbox rows that asked for it. */
export type DocumentTarget = {
  documentId: string;
  /** The locales to reconcile, or "all" when some row named no locale (a delete of the whole article). */
  locales: Locale[] | "all";
  eventIds: number[];
};

/** The writes that make the index match the CMS for one target. */
export type DocumentWrites = {
  target: DocumentTarget;
  upserts: IndexDocument[];
  deleteIds: string[];
  /** For "all": removes every locale of the article that is not in `upserts`. */
  deleteFilter?: string;
};

/** Splits claimed rows into valid events and the ids of rows that break the contract. */
export function parseEvents(rows: readonly unknown[]): { events: OutboxEvent[]; invalidIds: number[] } {
  const events: OutboxEvent[] = [];
  const invalidIds: number[] = [];
  for (const row of rows) {
    const parsed = outboxEventSchema.safeParse(row);
    if (parsed.success) events.push(parsed.data);
    else {
      const id = (row as { id?: unknown } | null)?.id;
      if (typeof id === "number") invalidIds.push(id);
    }
  }
  return { events, invalidIds };
}

/**
 * Coalesces events per article, in outbox order: however many rows name an article, it is reconciled once per
 * drain, and a row without a locale widens its target to every locale.
 */
export function coalesce(events: readonly OutboxEvent[]): DocumentTarget[] {
  const targets = new Map<string, DocumentTarget>();
  for (const event of [...events].sort((a, b) => a.id - b.id)) {
    let target = targets.get(event.documentId);
    if (!target) {
      target = { documentId: event.documentId, locales: [], eventIds: [] };
      targets.set(event.documentId, target);
    }
    target.eventIds.push(event.id);
    if (event.locale === null) target.locales = "all";
    else if (target.locales !== "all" && !target.locales.includes(event.locale)) target.locales.push(event.locale);
  }
  return [...targets.values()];
}

/**
 * Reads the article's current published state and derives the writes. The event's action is not trusted
 * over the CMS: an `upsert` of something since unpublished deletes it, a `remove` of something republished
 * keeps it. That makes replays, duplicates and rows drained out of order (an expired lease) harmless: the
 * index always converges on what the CMS says now.
 */
export async function planWrites(store: OutboxStore, target: DocumentTarget): Promise<DocumentWrites> {
  const { documentId } = target;
  if (target.locales === "all") {
    const upserts = (await store.load(documentId, null)).map((doc) => checked(doc, documentId, null));
    const kept = upserts.map((doc) => doc.language);
    const ofArticle = equals("documentId", documentId);
    const deleteFilter = kept.length > 0 ? allOf([ofArticle, `NOT ${isIn("language", kept)}`]) : ofArticle;
    return { target, upserts, deleteIds: [], deleteFilter };
  }
  const writes: DocumentWrites = { target, upserts: [], deleteIds: [] };
  for (const locale of target.locales) {
    const [published] = await store.load(documentId, locale);
    if (published) writes.upserts.push(checked(published, documentId, locale));
    else writes.deleteIds.push(searchDocumentId(documentId, locale));
  }
  return writes;
}

function checked(doc: unknown, documentId: string, locale: Locale | null): IndexDocument {
  const mapped = toIndexDocument(doc as Parameters<typeof toIndexDocument>[0]);
  if (mapped.documentId !== documentId || (locale !== null && mapped.language !== locale)) {
    throw new SearchError(
      "invalid_document",
      `The outbox store returned ${mapped.id} when asked for ${documentId} in ${locale ?? "every locale"}.`,
    );
  }
  return mapped;
}
