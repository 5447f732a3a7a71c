import { Meilisearch } from "meilisearch";

/**
 * Meilisearch derives a key's value from its uid and the master key, so fixed uids give the same keys on every
 * start: the launcher can hand them to the CMS and the community without storing them.
 */
const KEY_UIDS = {
  admin: "6f1c7a52-3d8e-4b0a-9c1e-5a7d2b8e4f10",
  search: "0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d",
} as const;

export type ApiKeys = { adminKey: string; searchKey: string };

/** The uids of the keys `ensureApiKeys` makes for `indexPrefix`: a tenant token names its signing key by uid. */
export function apiKeyUids(indexPrefix = ""): { admin: string; search: string } {
  return { admin: uidFor(KEY_UIDS.admin, indexPrefix), search: uidFor(KEY_UIDS.search, indexPrefix) };
}

/**
 * Creates (once) an indexing key and a search-only key for the indexes under `indexPrefix`, and returns both.
 * Only the launcher and the test harness call this: they are the only holders of the master key.
 */
export async function ensureApiKeys(host: string, masterKey: string, indexPrefix = ""): Promise<ApiKeys> {
  const client = new Meilisearch({ host, apiKey: masterKey });
  const indexes = [`${indexPrefix}*`];
  const wanted = [
    {
      uid: apiKeyUids(indexPrefix).admin,
      name: `inkstone indexing ${indexPrefix || "(all)"}`,
      description: "Inkstone CMS sync and reindex: documents, settings, index swaps.",
      actions: ["search", "documents.*", "indexes.*", "settings.*", "tasks.*", "stats.get"],
      indexes,
      expiresAt: null,
    },
    {
      uid: apiKeyUids(indexPrefix).search,
      name: `inkstone search ${indexPrefix || "(all)"}`,
      description: "Inkstone community queries: search only.",
      actions: ["search"],
      indexes,
      expiresAt: null,
    },
  ];
  const keys: string[] = [];
  for (const spec of wanted) {
    // Not found (or unreadable): create it, and a real outage fails there with Meilisearch's own message.
    const existing = await client.getKey(spec.uid).catch(() => undefined);
    keys.push((existing ?? (await client.createKey(spec))).key);
  }
  return { adminKey: keys[0] as string, searchKey: keys[1] as string };
}

/** One pair of keys per prefix (test files share one Meilisearch): the prefix is folded into the uid's last group. */
function uidFor(base: string, prefix: string): string {
  if (!prefix) return base;
  let hash = 0;
  for (const char of prefix) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `${base.slice(0, 24)}${hash.toString(16).padStart(12, "0").slice(-12)}`;
}
