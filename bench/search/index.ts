// `node bench/search/index.ts`: search latency with 10,000 articles, through @inkstone/search and through the
// raw Meilisearch client sending the very same request, in one run. Target: module P95 < 50 ms.
// Options (env): BENCH_ARTICLES (10000), BENCH_QUERIES (1000).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { buildSearchRequest, connectIndex, ensureApiKeys, parseSearchParams, reindex, search } from "@inkstone/search";
import { startMeilisearch } from "../../scripts/stack/meilisearch.ts";
import { freePort } from "../../scripts/stack/wait.ts";
import { ms, summarize } from "../stats.ts";
import { generateArticles, generateQueries } from "./articles.ts";

const ARTICLES = Number(process.env.BENCH_ARTICLES ?? 10_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 1000);
// Compressed responses cost ~40 ms each (see ConnectOptions.compression): a few hundred samples show it.
const COMPRESSED_QUERIES = Math.min(QUERIES, 200);
const TARGET_P95_MS = 50;

const dir = mkdtempSync(join(tmpdir(), "inkstone-bench-search-"));
const masterKey = randomBytes(24).toString("hex");
const port = await freePort();
const server = await startMeilisearch({ dataDir: dir, port, masterKey, logDir: join(dir, "logs") });
try {
  // 1. Keys as in production: the bench indexes with the admin key and queries with the search-only key.
  const url = `http://127.0.0.1:${port}`;
  const keys = await ensureApiKeys(url, masterKey, "bench_");
  const admin = connectIndex({ host: url, apiKey: keys.adminKey, indexPrefix: "bench_" });
  const reader = connectIndex({ host: url, apiKey: keys.searchKey, indexPrefix: "bench_" });

  // 2. Index the corpus through the module's full reindex.
  const indexStarted = performance.now();
  const result = await reindex(generateArticles(ARTICLES), {
    index: admin,
    total: ARTICLES,
    onProgress: ({ phase, indexed, total }) => process.stderr.write(`\r  indexing: ${phase} ${indexed}/${total}   `),
  });
  process.stderr.write("\n");
  console.log(`Indexed ${result.indexed} articles in ${((performance.now() - indexStarted) / 1000).toFixed(1)} s`);

  // 3. Same queries both ways, interleaved so both see the same server state; warm up first.
  // "Meilisearch alone" is the raw client sending the request the module would build, over the same
  // connection settings; a second one lets Meilisearch compress responses, as fetch asks by default.
  type Params = (typeof queries)[number];
  const queries = generateQueries(QUERIES);
  const raw = reader.client.index(reader.uid);
  const compressed = connectIndex({ host: url, apiKey: keys.searchKey, indexPrefix: "bench_", compression: true });
  const rawCompressed = compressed.client.index(compressed.uid);
  const viaModule = (params: Params) => search(reader, params);
  const viaClient = (params: Params, index = raw) => {
    const { q, body } = buildSearchRequest(parseSearchParams(params));
    return index.search(q, body);
  };
  for (const params of queries.slice(0, 100)) await Promise.all([viaModule(params), viaClient(params)]);

  const moduleSamples: number[] = [];
  const clientSamples: number[] = [];
  const engineSamples: number[] = [];
  let hits = 0;
  for (const params of queries) {
    let started = performance.now();
    const answer = await viaModule(params);
    moduleSamples.push(performance.now() - started);
    hits += answer.hits.length;
    engineSamples.push(answer.processingTimeMs);
    started = performance.now();
    await viaClient(params);
    clientSamples.push(performance.now() - started);
  }
  const compressedSamples: number[] = [];
  for (const params of queries.slice(0, COMPRESSED_QUERIES)) {
    const started = performance.now();
    await viaClient(params, rawCompressed);
    compressedSamples.push(performance.now() - started);
  }

  // 4. Report.
  const module = summarize(moduleSamples);
  const client = summarize(clientSamples);
  const engine = summarize(engineSamples);
  console.log(`\n${QUERIES} queries each (mixed en/zh-CN, filters, sorts, pages; ${hits} hits via the module)\n`);
  console.log(`${"".padEnd(30)}    P50         P95         P99        mean`);
  for (const [name, s] of [
    ["@inkstone/search", module],
    ["raw meilisearch client", client],
    ["engine processingTimeMs", engine],
    [`raw, compressed (${COMPRESSED_QUERIES} queries)`, summarize(compressedSamples)],
  ] as const) {
    console.log(`${name.padEnd(30)}${ms(s.p50)} ${ms(s.p95)} ${ms(s.p99)} ${ms(s.mean)}`);
  }
  console.log(
    `\nratio module/raw: P50 ${(module.p50 / client.p50).toFixed(2)}×, P95 ${(module.p95 / client.p95).toFixed(2)}×`,
  );
  const pass = module.p95 < TARGET_P95_MS;
  console.log(
    `target P95 < ${TARGET_P95_MS} ms through the module: ${pass ? "met" : "MISSED"} (${module.p95.toFixed(2)} ms)`,
  );
  if (!pass) process.exitCode = 1;
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
