// `npm run bench:relevance`: how well search finds what a writer means, on the demo content (the seed's 60
// articles, indexed through @inkstone/search without a CMS) and the relevance fixture's 40 queries
// (search/test/fixtures/relevance.ts, which says how to update it). Prints recall@10 and MRR for member search and
// for research retrieval, the alternatives they were chosen over, and every query that misses or ranks late.
// Targets: recall@10 ≥ 0.8 for research retrieval, ≥ 0.7 for member search.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ArticleIndex,
  buildSearchRequest,
  connectIndex,
  ensureApiKeys,
  parseSearchParams,
  type ResearchStrategy,
  reindex,
  search,
  searchForResearch,
} from "@inkstone/search";
import { startMeilisearch } from "../../scripts/stack/meilisearch.ts";
import { freePort } from "../../scripts/stack/wait.ts";
import { demoSearchDocuments } from "../../search/test/fixtures/demo-articles.ts";
import { RELEVANCE_CASES, type RelevanceCase } from "../../search/test/fixtures/relevance.ts";
import { mean, recallAt, reciprocalRank } from "./metrics.ts";

const K = 10;
const TARGETS = { research: 0.8, member: 0.7 } as const;

/** One way of answering a query: the slugs it returns, best first. */
type Retriever = { name: string; run(test: RelevanceCase): Promise<string[]> };

const dir = mkdtempSync(join(tmpdir(), "inkstone-bench-relevance-"));
const masterKey = randomBytes(24).toString("hex");
const port = await freePort();
const server = await startMeilisearch({ dataDir: dir, port, masterKey, logDir: join(dir, "logs") });
try {
  const url = `http://127.0.0.1:${port}`;
  const documents = demoSearchDocuments();
  // The index as shipped, and one without synonyms to show what they bring. Queried with the search-only key.
  const shipped = await indexed(url, "bench_", documents);
  const bare = await indexed(url, "bench_bare_", documents);
  await bare.admin.client.index(bare.admin.uid).resetSynonyms().waitTask();

  const slugsOfSearch = async (index: ArticleIndex, test: RelevanceCase) =>
    (await search(index, { q: test.q, limit: K })).hits.map((hit) => hit.slug);
  // What member search did before: Meilisearch's default matching strategy, the first word always required.
  const slugsOfLast = async (index: ArticleIndex, test: RelevanceCase) => {
    const { q, body } = buildSearchRequest(parseSearchParams({ q: test.q, limit: K }));
    const answer = await index.client.index(index.uid).search(q, { ...body, matchingStrategy: "last" });
    return answer.hits.map((hit) => String((hit.card as { slug: string }).slug));
  };
  const slugsOfResearch = async (index: ArticleIndex, test: RelevanceCase, strategy?: ResearchStrategy) => {
    const hits = await searchForResearch(index, { q: test.q, language: test.locale, limit: K, strategy });
    return hits.map((hit) => hit.slug);
  };

  const research: Retriever = { name: "research retrieval", run: (test) => slugsOfResearch(shipped.reader, test) };
  const member: Retriever = { name: "member search", run: (test) => slugsOfSearch(shipped.reader, test) };
  const alternatives: Retriever[] = [
    {
      name: 'research, matchingStrategy "frequency"',
      run: (test) => slugsOfResearch(shipped.reader, test, "frequency"),
    },
    { name: 'research, matchingStrategy "last"', run: (test) => slugsOfResearch(shipped.reader, test, "last") },
    { name: "research without synonyms", run: (test) => slugsOfResearch(bare.reader, test) },
    { name: 'member, matchingStrategy "last"', run: (test) => slugsOfLast(shipped.reader, test) },
    { name: "member search without synonyms", run: (test) => slugsOfSearch(bare.reader, test) },
  ];

  const zhCount = RELEVANCE_CASES.filter((test) => test.locale === "zh-CN").length;
  console.log(
    `Relevance on the demo content: ${documents.length} articles, ${RELEVANCE_CASES.length} queries ` +
      `(${zhCount} zh-CN, ${RELEVANCE_CASES.length - zhCount} en); first ${K} hits of each\n`,
  );
  console.log(`${"".padEnd(38)}     recall@${K}              MRR`);
  console.log(`${"".padEnd(38)}  all  zh-CN    en      all  zh-CN    en`);
  const scores = new Map<Retriever, Score[]>();
  for (const retriever of [research, member, ...alternatives]) {
    if (retriever === alternatives[0]) console.log("compared with:");
    const scored = await score(retriever);
    scores.set(retriever, scored);
    console.log(`${retriever.name.padEnd(38)}${row(scored)}`);
  }

  console.log("");
  let missed = false;
  for (const [retriever, target] of [
    [research, TARGETS.research],
    [member, TARGETS.member],
  ] as const) {
    const recall = mean((scores.get(retriever) ?? []).map((s) => s.recall));
    const met = recall >= target;
    missed ||= !met;
    console.log(
      `target recall@${K} ≥ ${target} for ${retriever.name}: ${met ? "met" : "NOT met"} (${recall.toFixed(3)})`,
    );
  }
  for (const retriever of [research, member]) {
    const imperfect = (scores.get(retriever) ?? []).filter((s) => s.recall < 1 || s.rr < 1);
    console.log(
      `\n${retriever.name}: ${imperfect.length} of ${RELEVANCE_CASES.length} queries miss something or rank it late`,
    );
    for (const s of imperfect) {
      const first = s.rr > 0 ? `first expected at ${Math.round(1 / s.rr)}` : "none expected found";
      const missing = s.missing.length > 0 ? `, missing ${s.missing.join(", ")}` : "";
      const got = `${s.got.slice(0, 5).join(", ") || "nothing"}${s.got.length > 5 ? ", …" : ""}`;
      console.log(
        `  ${s.test.locale.padEnd(5)} ${JSON.stringify(s.test.q)}: recall ${s.recall.toFixed(2)}, ${first}${missing}; got ${got}`,
      );
    }
  }
  if (missed) process.exitCode = 1;
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

type Score = { test: RelevanceCase; recall: number; rr: number; missing: string[]; got: string[] };

async function score(retriever: Retriever): Promise<Score[]> {
  const scored: Score[] = [];
  for (const test of RELEVANCE_CASES) {
    const got = (await retriever.run(test)).slice(0, K);
    scored.push({
      test,
      recall: recallAt(K, got, test.expected),
      rr: reciprocalRank(got, test.expected),
      missing: test.expected.filter((slug) => !got.includes(slug)),
      got,
    });
  }
  return scored;
}

function row(scored: readonly Score[]): string {
  const cell = (value: number) => value.toFixed(3).padStart(7);
  const of = (locale?: string) => scored.filter((s) => !locale || s.test.locale === locale);
  const recall = [undefined, "zh-CN", "en"].map((locale) => cell(mean(of(locale).map((s) => s.recall))));
  const mrr = [undefined, "zh-CN", "en"].map((locale) => cell(mean(of(locale).map((s) => s.rr))));
  return `${recall.join("")}  ${mrr.join("")}`;
}

/** Indexes `documents` under `prefix` through the module's full reindex, as the CMS would. */
async function indexed(url: string, prefix: string, documents: ReturnType<typeof demoSearchDocuments>) {
  const keys = await ensureApiKeys(url, masterKey, prefix);
  const admin = connectIndex({ host: url, apiKey: keys.adminKey, indexPrefix: prefix });
  async function* batches() {
    yield documents;
  }
  await reindex(batches(), { index: admin });
  return { admin, reader: connectIndex({ host: url, apiKey: keys.searchKey, indexPrefix: prefix }) };
}
