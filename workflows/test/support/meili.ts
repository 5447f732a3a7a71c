import { connectIndex, ensureApiKeys, reindex } from "@inkstone/search";
import { testInfra } from "../../../scripts/test/services.ts";

type Article = {
  documentId: string;
  locale: "zh-CN" | "en";
  slug: string;
  title: string;
  summary: string;
  body: string;
};

/** Publishes `articles` into the index under `indexPrefix` the way the CMS does: through the search module. */
export async function seedIndex(indexPrefix: string, articles: Article[]): Promise<void> {
  const { meiliUrl, meiliMasterKey } = testInfra();
  const { adminKey } = await ensureApiKeys(meiliUrl, meiliMasterKey, indexPrefix);
  const index = connectIndex({ host: meiliUrl, apiKey: adminKey, indexPrefix });
  const publishedAt = new Date().toISOString();
  async function* batches() {
    yield articles.map((article) => ({ ...article, publishedAt }));
  }
  await reindex(batches(), { index });
}
