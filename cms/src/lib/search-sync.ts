import { errorMessage } from "@inkstone/config/logger";
import { connectIndex, type SyncHandle, startSync } from "@inkstone/search";
import type { Core } from "@strapi/strapi";
import { env } from "../env.ts";
import { log } from "./log.ts";
import { pruneOutbox } from "./outbox.ts";
import { outboxStore } from "./search-source.ts";

/** Processed outbox rows pile up at the pace of edits; an hourly prune keeps the table small. */
const PRUNE_EVERY_MS = 60 * 60 * 1000;

let handle: SyncHandle | undefined;
let pruneTimer: NodeJS.Timeout | undefined;
let pruning: Promise<void> | undefined;

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
  const prune = async () => {
    try {
      const pruned = await pruneOutbox(strapi.db.connection);
      if (pruned) log().debug({ pruned }, "Search outbox: pruned processed rows.");
    } catch (error) {
      // Nothing is lost (only processed rows go): the next prune tries again.
      log().warn({ error: errorMessage(error) }, "Search outbox: could not prune processed rows; will retry.");
    }
  };
  pruning = prune();
  pruneTimer = setInterval(() => {
    pruning = prune();
  }, PRUNE_EVERY_MS).unref();
}

/** Drain now: called once a change that wrote outbox rows has committed. */
export function wakeSearchSync(): void {
  handle?.wake();
}

export async function stopSearchSync(): Promise<void> {
  clearInterval(pruneTimer);
  pruneTimer = undefined;
  // Let a prune in progress finish before Strapi closes the database pool under it.
  await pruning;
  await handle?.stop();
  handle = undefined;
}
