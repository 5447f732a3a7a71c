import { errorMessage } from "@inkstone/config/logger";
import { connectIndex, type SyncHandle, startSync } from "@inkstone/search";
import type { Core } from "@strapi/strapi";
import { env } from "../env.ts";
import { type Chore, startChore } from "./chore.ts";
import { log } from "./log.ts";
import { pruneOutbox } from "./outbox.ts";
import { outboxStore } from "./search-source.ts";

/** Processed outbox rows pile up at the pace of edits; an hourly prune keeps the table small. */
const PRUNE_EVERY_MS = 60 * 60 * 1000;

let handle: SyncHandle | undefined;
let pruning: Chore | undefined;

/** The articles index as the CMS reaches it: with the indexing key, never the master key. */
export function articleIndex() {
  const { MEILI_URL, MEILI_ADMIN_KEY, MEILI_INDEX_PREFIX } = env();
  return connectIndex({ host: MEILI_URL, apiKey: MEILI_ADMIN_KEY, indexPrefix: MEILI_INDEX_PREFIX });
}

/**
 * Drains the outbox into Meilisearch for as long as the CMS runs, and prunes what it processed. Starting does not
 * wait for Meilisearch: while it is down the loop backs off and the rows wait in PostgreSQL, so the CMS starts and
 * serves regardless.
 */
export function startSearchSync(strapi: Core.Strapi): void {
  // The sync applies the index settings itself on its first drain (and now and then after), so nothing here.
  handle = startSync(outboxStore(strapi), articleIndex(), {
    onEvent: (event) => {
      if (event.type === "retrying")
        log().warn(
          { error: errorMessage(event.error), failures: event.failures, retryInMs: event.retryInMs },
          `Search sync: Meilisearch not reachable or refused; retrying in ${Math.round(event.retryInMs / 1000)} s.`,
        );
    },
  });
  // Only processed rows go, so a failed prune loses nothing: the next one tries again.
  pruning = startChore("Search outbox prune", PRUNE_EVERY_MS, async () => {
    const pruned = await pruneOutbox(strapi.db.connection);
    if (pruned) log().debug({ pruned }, "Search outbox: pruned processed rows.");
  });
}

/** Drain now: called once a change that wrote outbox rows has committed. */
export function wakeSearchSync(): void {
  handle?.wake();
}

export async function stopSearchSync(): Promise<void> {
  await pruning?.stop();
  pruning = undefined;
  await handle?.stop();
  handle = undefined;
}
