// One article page served three ways, under 200 concurrent connections, in one run: (a) from the community's
// in-process cache, (b) the same HTML as a static file, (c) rendered through the CMS on every request (a second
// community process with INKSTONE_CACHE_BYPASS=1, honoured outside production only). Rounds are interleaved and
// the median of the per-round ratios counts, so other load on the machine hits all three alike. Each round also
// serves the cached page and the static file compressed (Accept-Encoding: br): the community's stored brotli variant
// against a copy compressed ahead of time.
// Targets: cached ≥ 0.5× static throughput, ≥ 10× uncached, compressed cached ≥ 0.6× compressed static, zero errors.
// Run: node bench/community/index.ts
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants } from "node:zlib";
import { APPS, appProcess, type StackEnv } from "../../scripts/stack/apps.ts";
import { ManagedProcess } from "../../scripts/stack/process.ts";
import { ephemeralSecrets } from "../../scripts/stack/secrets.ts";
import { buildStale, startStack } from "../../scripts/stack/stack.ts";
import { freePort, httpAnswers, waitUntil } from "../../scripts/stack/wait.ts";
import { ms, percentile } from "../stats.ts";
import { type LoadResult, load } from "./load.ts";

const BROTLI = { "accept-encoding": "br" };

const CONNECTIONS = 200;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "inkstone-bench-community-"));
const logDir = join(dir, "logs");
const community = APPS.find((app) => app.name === "community");
if (!community) throw new Error("no community app");

console.log("Building what is stale, then starting PostgreSQL, Meilisearch, Temporal and the CMS (demo content)…");
await buildStale(
  APPS.filter((app) => app.name === "cms" || app.name === "community"),
  logDir,
);
const stack = await startStack({
  dataDir: dir,
  logDir,
  secrets: ephemeralSecrets(),
  ports: { postgres: await freePort(), meilisearch: await freePort(), temporal: await freePort() },
  env: { CMS_PORT: String(await freePort()), COMMUNITY_PORT: String(await freePort()) },
  apps: ["cms", "community"],
});
const extra: ManagedProcess[] = [];

/** A second community on its own port, rendering every request through the CMS. */
async function startUncached(env: StackEnv): Promise<string> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const spec = appProcess(
    community as NonNullable<typeof community>,
    { ...env, NODE_ENV: "development", COMMUNITY_PORT: String(port), COMMUNITY_URL: url },
    logDir,
  );
  const proc = new ManagedProcess({
    ...spec,
    name: "community-uncached",
    logFile: join(logDir, "community-uncached.log"),
    env: { ...spec.env, INKSTONE_CACHE_BYPASS: "1" },
  });
  extra.push(proc);
  await waitUntil(() => httpAnswers(`${url}/health`, [200, 503]), {
    what: "uncached community",
    alive: () => proc.running,
  });
  return url;
}

async function startStatic(root: string): Promise<string> {
  const port = await freePort();
  const proc = new ManagedProcess({
    name: "static",
    command: process.execPath,
    args: [join(here, "static-server.ts"), root, String(port)],
    logFile: join(logDir, "static.log"),
  });
  extra.push(proc);
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(() => httpAnswers(`${url}/health`, [404]), { what: "static server", alive: () => proc.running });
  return url;
}

type Case = { name: string; url: string; headers?: Record<string, string>; runs: LoadResult[] };

try {
  const cms = String(stack.env.CMS_URL);
  const listed = await fetch(`${cms}/api/articles?locale=en&sort=publishedAt:desc&pagination[pageSize]=1`, {
    headers: { authorization: `Bearer ${stack.env.CMS_COMMUNITY_TOKEN}` },
  }).then((r) => r.json() as Promise<{ data: { slug: string }[] }>);
  const slug = listed.data[0]?.slug;
  if (!slug) throw new Error("no published article to benchmark");
  const path = `/en/a/${slug}`;

  const cachedBase = String(stack.env.COMMUNITY_URL);
  // The CMS's first-start seeding may still be sending webhooks that drop cached pages: wait for a steady hit.
  await waitUntil(
    async () => {
      await fetch(`${cachedBase}${path}`).then((r) => r.arrayBuffer());
      await new Promise((resolve) => setTimeout(resolve, 500));
      return (await fetch(`${cachedBase}${path}`).then((r) => r.headers.get("x-cache"))) === "HIT";
    },
    { what: "a cached article page", timeoutMs: 60_000 },
  );
  const html = await (await fetch(`${cachedBase}${path}`)).text();
  const root = join(dir, "static");
  mkdirSync(join(root, "en", "a"), { recursive: true });
  writeFileSync(join(root, "en", "a", `${slug}.html`), html);
  // The best a build step would do: brotli 11 (the community stores its variant at 5, to keep a cold miss cheap).
  const precompressed = brotliCompressSync(html, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  writeFileSync(join(root, "en", "a", `${slug}.html.br`), precompressed);
  const staticBase = await startStatic(root);
  const uncachedBase = await startUncached(stack.env);
  const uncached = await fetch(`${uncachedBase}${path}`);
  if (uncached.headers.get("x-cache") || uncached.status !== 200)
    throw new Error("the uncached community answered from a cache");
  if ((await (await fetch(`${staticBase}${path}`)).text()) !== html) throw new Error("the static file differs");
  const brotliBytes: number[] = [];
  for (const base of [cachedBase, staticBase]) {
    const reply = await fetch(`${base}${path}`, { headers: BROTLI });
    // fetch decodes: the header says what was sent, the text that it is the same page.
    if (reply.headers.get("content-encoding") !== "br" || (await reply.text()) !== html)
      throw new Error(`${base} did not send the page as brotli`);
    brotliBytes.push(Number(reply.headers.get("content-length")));
  }
  console.log(
    `Page ${path}: ${html.length} bytes; brotli ${brotliBytes[0]} bytes cached (quality 5), ${precompressed.byteLength} static (11). ${ROUNDS} rounds of ${SECONDS} s each, ${CONNECTIONS} connections.\n`,
  );

  const cases: Case[] = [
    { name: "cached (community)", url: `${cachedBase}${path}`, runs: [] },
    { name: "static file", url: `${staticBase}${path}`, runs: [] },
    { name: "uncached (via CMS)", url: `${uncachedBase}${path}`, runs: [] },
    { name: "cached, brotli", url: `${cachedBase}${path}`, headers: BROTLI, runs: [] },
    { name: "static file, brotli", url: `${staticBase}${path}`, headers: BROTLI, runs: [] },
  ];
  // Untimed warm-up, so the JIT has compiled the hot paths of every server before anything counts.
  for (const c of cases) await load(c.url, { connections: CONNECTIONS, seconds: 3, headers: c.headers });
  for (let round = 1; round <= ROUNDS; round++) {
    for (const c of cases) {
      const result = await load(c.url, { connections: CONNECTIONS, seconds: SECONDS, headers: c.headers });
      c.runs.push(result);
      console.log(
        `  round ${round} ${c.name.padEnd(20)} ${result.rps.toFixed(0).padStart(6)} req/s  P95 ${ms(percentile(result.latencies, 95))}  errors ${result.errors}${result.firstError ? ` (${result.firstError})` : ""}`,
      );
    }
  }
  const median = (c: Case) => {
    const sorted = [...c.runs].sort((a, b) => a.rps - b.rps);
    return sorted[Math.floor(sorted.length / 2)] as LoadResult;
  };
  console.log(`\nMedian round, ${CONNECTIONS} concurrent connections:`);
  for (const c of cases) {
    const m = median(c);
    const errors = c.runs.reduce((sum, r) => sum + r.errors, 0);
    console.log(
      `  ${c.name.padEnd(20)} ${m.rps.toFixed(0).padStart(6)} req/s  P95 ${ms(percentile(m.latencies, 95)).padStart(9)}  errors ${errors}`,
    );
  }
  // Ratios are taken within each round (the three ran back to back, under the same outside load), then the median.
  const [cached, staticFile, viaCms, cachedBr, staticBr] = cases as [Case, Case, Case, Case, Case];
  const middle = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  const vsStatic = middle(cached.runs.map((run, i) => run.rps / (staticFile.runs[i]?.rps ?? Number.NaN)));
  const vsUncached = middle(cached.runs.map((run, i) => run.rps / (viaCms.runs[i]?.rps ?? Number.NaN)));
  const brVsStatic = middle(cachedBr.runs.map((run, i) => run.rps / (staticBr.runs[i]?.rps ?? Number.NaN)));
  const errors = cases.flatMap((c) => c.runs).reduce((sum, r) => sum + r.errors, 0);
  console.log(
    `\n  cached / static throughput   ${vsStatic.toFixed(2)}×  (target ≥ 0.5×: ${vsStatic >= 0.5 ? "met" : "NOT met"})`,
  );
  console.log(
    `  cached / uncached throughput ${vsUncached.toFixed(1)}×  (target ≥ 10×: ${vsUncached >= 10 ? "met" : "NOT met"})`,
  );
  console.log(
    `  compressed cached / static    ${brVsStatic.toFixed(2)}×  (target ≥ 0.6×: ${brVsStatic >= 0.6 ? "met" : "NOT met"})`,
  );
  const p95 = (run: LoadResult) => percentile(run.latencies, 95);
  const latency = middle(cached.runs.map((run, i) => p95(run) / p95(staticFile.runs[i] as LoadResult)));
  console.log(
    `  cached / static P95 latency  ${latency.toFixed(2)}×  (target: within 2×: ${latency <= 2 ? "met" : "NOT met"})`,
  );
  console.log(`  errors                       ${errors}  (target 0: ${errors === 0 ? "met" : "NOT met"})`);
} finally {
  for (const proc of extra.reverse()) await proc.stop();
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
}
