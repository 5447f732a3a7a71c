// Listing 20 published articles with their relations (tags, category, author, cover) on the seeded data, as the
// community's feed does: P50/P95, against Strapi's own /_health on the same server in the same run as a baseline.
// Target: P95 < 100 ms. Run: node bench/cms/index.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APPS } from "../../scripts/stack/apps.ts";
import { freeInfraPorts } from "../../scripts/stack/infra.ts";
import { ephemeralSecrets } from "../../scripts/stack/secrets.ts";
import { buildStale, startStack } from "../../scripts/stack/stack.ts";
import { freePort } from "../../scripts/stack/wait.ts";
import { ms, percentile, timeSequential } from "../stats.ts";

const SAMPLES = 300;
const dir = mkdtempSync(join(tmpdir(), "inkstone-bench-cms-"));
const logDir = join(dir, "logs");
console.log("Starting PostgreSQL, Meilisearch, Temporal and the CMS (seeding demo content)…");
await buildStale(
  APPS.filter((app) => app.name === "cms"),
  logDir,
);
const stack = await startStack({
  dataDir: dir,
  logDir,
  secrets: ephemeralSecrets(),
  ports: await freeInfraPorts(),
  env: { CMS_PORT: String(await freePort()) },
  apps: ["cms"],
});
try {
  const cms = String(stack.env.CMS_URL);
  const token = String(stack.env.CMS_COMMUNITY_TOKEN);
  const get = async (path: string) => {
    const response = await fetch(`${cms}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.text();
  };
  const list = "/api/articles?locale=en&sort=publishedAt:desc&pagination[pageSize]=20";
  const body = JSON.parse(await get(list));
  console.log(
    `Listing returns ${body.data.length} of ${body.meta.pagination.total} published articles, with relations.`,
  );

  const baseline = await timeSequential(() => get("/_health"), SAMPLES);
  const listing = await timeSequential(() => get(list), SAMPLES);
  const p95 = percentile(listing, 95);
  console.log(`\n${SAMPLES} sequential requests each:`);
  console.log(`  /_health (baseline)       P50 ${ms(percentile(baseline, 50))}  P95 ${ms(percentile(baseline, 95))}`);
  console.log(`  list 20 with relations    P50 ${ms(percentile(listing, 50))}  P95 ${ms(p95)}`);
  console.log(`  ratio P95 list / baseline ${(p95 / percentile(baseline, 95)).toFixed(1)}×`);
  console.log(`  target P95 < 100 ms: ${p95 < 100 ? "met" : "NOT met"}`);
} finally {
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
}
