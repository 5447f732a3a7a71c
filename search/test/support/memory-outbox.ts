import type { Locale, OutboxEvent, SearchDocument } from "@inkstone/config";
import { searchDocumentSchema } from "@inkstone/config";
import type { OutboxStore, SearchDocumentInput, SyncFailure } from "../../src/index.ts";

type Row = OutboxEvent & { status: "pending" | "claimed" | "done"; lastError?: SyncFailure };

/**
 * The CMS side in memory: published articles plus an outbox written "in the same transaction" as each change,
 * implementing OutboxStore the way the PostgreSQL one must (claim leases oldest first, nothing is dropped).
 */
export class MemoryOutbox implements OutboxStore {
  readonly rows: Row[] = [];
  readonly published = new Map<string, SearchDocument>();
  #nextId = 1;

  publish(doc: SearchDocumentInput): void {
    const parsed = searchDocumentSchema.parse(doc);
    this.published.set(`${parsed.documentId}|${parsed.locale}`, parsed);
    this.#enqueue("upsert", parsed.documentId, parsed.locale);
  }

  unpublish(documentId: string, locale: Locale): void {
    this.published.delete(`${documentId}|${locale}`);
    this.#enqueue("remove", documentId, locale);
  }

  /** Deletes the article in every locale: one row without a locale. */
  deleteArticle(documentId: string): void {
    for (const key of [...this.published.keys()]) if (key.startsWith(`${documentId}|`)) this.published.delete(key);
    this.#enqueue("remove", documentId, null);
  }

  /** Writes a row without changing any article (a replayed or stale event). */
  enqueue(action: OutboxEvent["action"], documentId: string, locale: Locale | null): void {
    this.#enqueue(action, documentId, locale);
  }

  get pending(): Row[] {
    return this.rows.filter((row) => row.status !== "done");
  }

  async claim(limit: number): Promise<OutboxEvent[]> {
    const claimed = this.rows.filter((row) => row.status === "pending").slice(0, limit);
    for (const row of claimed) row.status = "claimed";
    return claimed.map(({ status: _status, lastError: _lastError, ...event }) => event);
  }

  async load(documentId: string, locale: Locale | null): Promise<SearchDocument[]> {
    return [...this.published.values()].filter(
      (doc) => doc.documentId === documentId && (locale === null || doc.locale === locale),
    );
  }

  async markDone(ids: number[]): Promise<void> {
    for (const row of this.rows) if (ids.includes(row.id)) row.status = "done";
  }

  async markFailed(ids: number[], failure: SyncFailure): Promise<void> {
    for (const row of this.rows) {
      if (!ids.includes(row.id)) continue;
      row.status = "pending";
      row.attempts += 1;
      row.lastError = failure;
    }
  }

  #enqueue(action: OutboxEvent["action"], documentId: string, locale: Locale | null): void {
    const id = this.#nextId++;
    this.rows.push({
      id,
      action,
      documentId,
      locale,
      createdAt: new Date().toISOString(),
      attempts: 0,
      status: "pending",
    });
  }
}
