/** Locales served by the community and the docs site; the first is the default. */
export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "zh-CN";

/** Temporal task queues. Generation has its own queue so its worker's slot limit applies to generation alone. */
export const TASK_QUEUES = {
  generation: "inkstone-generation",
} as const;

/** Meilisearch index of published articles (prefixed per test file in tests). */
export const SEARCH_INDEX = "articles";

/** Database name used by the embedded PostgreSQL for the CMS. */
export const DEFAULT_DATABASE_NAME = "inkstone";
export const DEFAULT_DATABASE_USER = "inkstone";
/** The community replicas' shared store, on the same PostgreSQL server as the CMS's database. */
export const COMMUNITY_DATABASE_NAME = "inkstone_community";

/** Default upper bound of generations running at once on one worker (ARCHITECTURE.md, "Slots and the queue"). */
export const DEFAULT_GENERATION_CONCURRENCY = 2;
