import type { Locale, OutboxEvent, SearchDocument } from "@inkstone/config";

/** Why a drain could not finish some rows; `retryable` is false only when retrying cannot help. */
export type SyncFailure = { code: string; message: string; retryable: boolean };

/**
 * What the CMS implements over its PostgreSQL outbox table for `drainOutbox`. The sync never deletes or skips
 * a row on its own: a row leaves the outbox only through `markDone`.
 */
export type OutboxStore = {
  /**
   * Up to `limit` pending rows, oldest (lowest id) first, leased to this caller so a concurrent drainer does
   * not take them (e.g. `UPDATE … SET leased_until = now() + interval '5 minutes' WHERE id IN (SELECT … FOR
   * UPDATE SKIP LOCKED) RETURNING …`). A row neither marked done nor failed becomes claimable again when its
   * lease runs out: that is how a crash mid-drain loses nothing. A row written to wait (a batched counter
   * change, see the CMS's `enqueueRefresh`) is skipped until it is due.
   */
  claim(limit: number): Promise<OutboxEvent[]>;
  /**
   * The currently published versions of `documentId`: in `locale`, or in every locale when `locale` is null.
   * Empty when unpublished or deleted. Read at drain time, so the index gets the latest state.
   */
  load(documentId: string, locale: Locale | null): Promise<SearchDocument[]>;
  /** The rows are in Meilisearch: delete them (or mark them processed). */
  markDone(ids: number[]): Promise<void>;
  /**
   * The rows were not applied: keep them pending, release the lease, add one to `attempts` and record the
   * error. A store may park rows whose non-retryable failures repeat, but must not drop rows on retryable
   * ones (an outage of any length must end with every row applied).
   */
  markFailed(ids: number[], failure: SyncFailure): Promise<void>;
};
