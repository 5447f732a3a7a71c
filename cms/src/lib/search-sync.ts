import { connectIndex, type SyncHandle, startSync } from "@inkstone/search";
import type { Core } from "@strapi/strapi";
import { env } from "../env.ts";
import { outboxStore } from "./search-source.ts";

let handle: SyncHandle | undefined;

/** The articles index as the CMS reaches it: with the indexing key, never the master key. */
export function articleIndex() {
  const { MEILI_URL, MEILI_ADMIN_KEY, MEILI_INDEX_PREFIX } = env();
  return connectIndex({ host: MEILI_URL, apiKey: MEILI_ADMIN_KEY, indexPrefix: MEILI_INDEX_PREFIX });
}

/**
 * Drains the outbox into Meilisearch for as long as the CMS runs. Starting does not wait for Meilisearch: while
 * it is down the loop backs off and the rows wait in PostgreSQL, so the CMS starts and serves regardless.
 */
export function startSearchSync(strapi: Core.Strapi): void {
  // The sync applies the index settings itself on its first drain (and now and then after), so nothing here.
  handle = startSync(outboxStore(strapi), articleIndex(), {
    onEvent: (event) => {
      if (event.type === "retrying")
        strapi.log.warn(
          `Search sync: Meilisearch not reachable or refused (${(event.error as Error)?.message ?? event.error}); retrying in ${Math.round(event.retryInMs / 1000)} s.`,
        );
    },
  });
}

/** Drain now: called once a change that wrote outbox rows has committed. */
export function wakeSearchSync(): void {
  handle?.wake();
}

export async function stopSearchSync(): Promise<void> {
  await handle?.stop();
  handle = undefined;
}
