// `npm run meili-keys`: creates Inkstone's indexing and search-only keys on the Meilisearch at MEILI_URL, using
// MEILI_MASTER_KEY, and prints them as .env lines. For deployments; `npm start` does this by itself.
import { ensureApiKeys } from "@inkstone/search";

const url = process.env.MEILI_URL;
const masterKey = process.env.MEILI_MASTER_KEY;
if (!url || !masterKey) {
  console.error("Set MEILI_URL and MEILI_MASTER_KEY to the Meilisearch to create keys on.");
  process.exit(2);
}
const keys = await ensureApiKeys(url, masterKey, process.env.MEILI_INDEX_PREFIX ?? "");
console.log(`MEILI_ADMIN_KEY=${keys.adminKey}\nMEILI_SEARCH_KEY=${keys.searchKey}`);
