// The community's pages under load, every case in one run against one real stack (PostgreSQL, Meilisearch, Temporal,
// the CMS with its demo content, the community; with the mixed case, the worker and its two runs too, for the whole
// run). Cases are interleaved round by round and ratios are taken within a round, then the median across rounds
// counts, so other load on the machine hits every case alike. In the signed-in, mixed and connections cases a request
// not answered in full within 10 s is an error (a "timeout"); the page-cache cases wait for every answer. Groups of
// cases (BENCH_ONLY=page-cache,signed-in,mixed,connections picks some; all by default):
//   page-cache   one article page, 200 connections: from the community's in-process cache, as the same HTML from a
//                static file, and rendered through the CMS on every request (a second community with
//                INKSTONE_CACHE_BYPASS=1, honoured outside production only); plus the cached page and the static file
//                compressed (Accept-Encoding: br): the community's stored brotli variant against a copy compressed
//                ahead of time. Targets: cached ≥ 0.5× static throughput and P95 within 2×, ≥ 10× uncached,
//                compressed cached ≥ 0.6× compressed static, zero errors.
//   signed-in    the same page, 50 connections: anonymous from the cache; with one member's session cookie; with 100
//                members' cookies in turn, request by request. Members sign up through the community's form, each from
//                its own address (the community runs with TRUSTED_PROXIES=127.0.0.1 and believes X-Forwarded-For, as
//                behind a proxy); every member must see /en/settings, and every signed-in answer must carry the like
//                form, or it counts as an error. Targets: each ≥ 0.25× the anonymous throughput, P95 < 100 ms, zero
//                errors. Also each member's own studio (/en/studio: their runs from Temporal, their articles from the
//                CMS as that member, never cached), the 100 members in turn on 10 connections (creators at work at
//                once; at 50 its P95 is only the queue behind the CMS's ~10 ms of member authentication): it must
//                show their articles' section; target P95 < 250 ms, its throughput reported.
//   mixed        50 connections on home, article, tag and search pages (mix.ts), 80% anonymous and 20% signed in,
//                while two generation runs are active on the worker (a slow stand-in model, generations.ts; runs that
//                end are replaced before each round). 2xx and 3xx are answers. Targets: P95 < 150 ms over all
//                requests, zero errors (statuses and timeouts are reported).
//   connections  the cached page with 1,000 connections at once. Each Node process raises its open-files limit to the
//                hard limit by itself; the bench says when that is below what 1,000 sockets need (open-files.ts).
//                Target: zero errors, timeouts included.
// Knobs: BENCH_SECONDS per case and round (8), BENCH_ROUNDS (3). Run: npm run bench:community
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";
import { APPS, type AppName } from "../../scripts/stack/apps.ts";
import { freeInfraPorts } from "../../scripts/stack/infra.ts";
import type { ManagedProcess } from "../../scripts/stack/process.ts";
import { ephemeralSecrets } from "../../scripts/stack/secrets.ts";
import { buildStale, type Stack, startStack } from "../../scripts/stack/stack.ts";
import { freePort, waitUntil } from "../../scripts/stack/wait.ts";
import { ms } from "../stats.ts";
import { Generations, startSlowLlm } from "./generations.ts";
import { type LoadOptions, type LoadResult, load, SUCCESS_OR_REDIRECT } from "./load.ts";
import { assertOwnState, assertSignedIn, LIKE_FORM, type Member, signUpMembers } from "./members.ts";
import { MIX_DESCRIPTION, mixedRequests, rotatingMembers } from "./mix.ts";
import { openFilesLimit } from "./open-files.ts";
import { findPages } from "./pages.ts";
import {
  errorsIn,
  latencyByKindPart,
  latencyUnder,
  medianRun,
  middle,
  noErrors,
  outcomesOf,
  p95,
  printTargets,
  ratio,
  ratioWithinRounds,
  type Target,
  withinFactor,
} from "./report.ts";
import { startStatic, startUncached } from "./servers.ts";

const GROUPS = ["page-cache", "signed-in", "mixed", "connections"] as const;
type Group = (typeof GROUPS)[number];

const BROTLI = { "accept-encoding": "br" };
const CONNECTIONS = 200;
const SIGNED_IN_CONNECTIONS = 50;
const MIXED_CONNECTIONS = 50;
const MANY_CONNECTIONS = 1000;
const MEMBERS = 100;
const GENERATIONS = 2;
/** Open files the bench and the community each need for 1,000 sockets, plus what else each process holds. */
const OPEN_FILES = 2048;
/** How long a member waits before giving up (autocannon's default): the new cases count such a request an error. */
const TIMEOUT_MS = 10_000;
/** Each member's studio, and what shows it is theirs rendered in full (the articles section's heading). */
const STUDIO = "/en/studio";
const STUDIO_MARK = 'id="articles-heading"';
const STUDIO_CONNECTIONS = 10;

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
if (!(SECONDS > 0) || !Number.isInteger(ROUNDS) || ROUNDS < 1)
  throw new Error(`BENCH_SECONDS must be a positive number and BENCH_ROUNDS a positive whole number`);
const only = (process.env.BENCH_ONLY ?? GROUPS.join(","))
  .split(",")
  .map((name) => name.trim())
  .filter(Boolean);
const unknown = only.filter((name) => !(GROUPS as readonly string[]).includes(name));
if (unknown.length || !only.length)
  throw new Error(
    `BENCH_ONLY: ${unknown.length ? `no group named ${unknown.join(", ")}` : "names no group"}; choose from ${GROUPS.join(", ")}`,
  );
const wants = (group: Group) => only.includes(group);
const needsMembers = wants("signed-in") || wants("mixed");
const needsWorker = wants("mixed");

type Case = {
  name: string;
  group: Group;
  connections: number;
  url: string;
  options?: Omit<LoadOptions, "connections" | "seconds">;
  /** Run before each measured round of this case (not the warm-up). */
  before?: () => Promise<unknown>;
  runs: LoadResult[];
};

const dir = mkdtempSync(join(tmpdir(), "inkstone-bench-community-"));
const logDir = join(dir, "logs");
const extra: ManagedProcess[] = [];
const llm = needsWorker ? await startSlowLlm() : undefined;
let stack: Stack | undefined;
let generations: Generations | undefined;

try {
  const apps: AppName[] = needsWorker ? ["cms", "worker", "community"] : ["cms", "community"];
  console.log(`Building what is stale, then starting PostgreSQL, Meilisearch, Temporal, ${apps.join(", ")}…`);
  await buildStale(
    APPS.filter((app) => apps.includes(app.name)),
    logDir,
  );
  stack = await startStack({
    dataDir: dir,
    logDir,
    secrets: ephemeralSecrets(),
    ports: await freeInfraPorts(),
    env: {
      CMS_PORT: String(await freePort()),
      COMMUNITY_PORT: String(await freePort()),
      // The bench stands in for a proxy in front of the community: sign-ups come from many client addresses.
      TRUSTED_PROXIES: "127.0.0.1",
      // Its members sign up and start generations at once, with no inbox to confirm their address from.
      MEMBER_EMAIL_VERIFICATION: "off",
      ...(llm && {
        OPENAI_BASE_URL: llm.url,
        OPENAI_API_KEY: "bench",
        GENERATION_CONCURRENCY: String(GENERATIONS),
        WORKER_METRICS_PORT: String(await freePort()),
      }),
    },
    apps,
  });
  const cachedBase = String(stack.env.COMMUNITY_URL);
  const pages = await findPages(String(stack.env.CMS_URL), String(stack.env.CMS_COMMUNITY_TOKEN), cachedBase);
  const path = pages.articles[0] as string;

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
  console.log(`Page ${path}: ${html.length} bytes. ${ROUNDS} rounds of ${SECONDS} s per case.`);

  const cases: Case[] = [];
  if (wants("page-cache")) {
    const slug = path.split("/").pop() as string;
    const root = join(dir, "static");
    mkdirSync(join(root, "en", "a"), { recursive: true });
    writeFileSync(join(root, "en", "a", `${slug}.html`), html);
    // The best a build step would do: brotli 11 (the community stores its variant at 5, to keep a cold miss cheap).
    const precompressed = brotliCompressSync(html, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
    writeFileSync(join(root, "en", "a", `${slug}.html.br`), precompressed);
    const staticBase = await startStatic(root, logDir, extra);
    const uncachedBase = await startUncached(stack.env, logDir, extra);
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
      `  brotli ${brotliBytes[0]} bytes cached (quality 5), ${precompressed.byteLength} static (11); ${CONNECTIONS} connections.`,
    );
    const pageCase = (name: string, url: string, options?: Case["options"]): Case => ({
      name,
      group: "page-cache",
      connections: CONNECTIONS,
      url,
      options,
      runs: [],
    });
    cases.push(
      pageCase("cached (community)", `${cachedBase}${path}`),
      pageCase("static file", `${staticBase}${path}`),
      pageCase("uncached (via CMS)", `${uncachedBase}${path}`),
      pageCase("cached, brotli", `${cachedBase}${path}`, { headers: BROTLI }),
      pageCase("static file, brotli", `${staticBase}${path}`, { headers: BROTLI }),
    );
  }

  let members: Member[] = [];
  let creator: Member | undefined;
  if (needsMembers) {
    const started = performance.now();
    const joined = await signUpMembers(cachedBase, "bench-member", MEMBERS + (needsWorker ? 1 : 0));
    members = joined.slice(0, MEMBERS);
    creator = joined[MEMBERS];
    await assertSignedIn(cachedBase, joined, path);
    // Another article than the measured one, whose page stays the static file's copy.
    const liked = pages.articles[1] ?? path;
    await assertOwnState(cachedBase, joined[0] as Member, joined[1] as Member, liked);
    console.log(
      `  ${joined.length} members signed up from their own addresses and checked signed in; ${liked} shows each member their own like (${((performance.now() - started) / 1000).toFixed(1)} s).`,
    );
  }
  if (wants("signed-in")) {
    const signedIn = (name: string, options: Case["options"]): Case => ({
      name,
      group: "signed-in",
      connections: SIGNED_IN_CONNECTIONS,
      url: `${cachedBase}${path}`,
      options: { ...options, timeoutMs: TIMEOUT_MS },
      runs: [],
    });
    cases.push(
      signedIn("cached, anonymous", {}),
      signedIn("signed in, 1 member", { next: rotatingMembers(path, members.slice(0, 1), LIKE_FORM) }),
      signedIn(`signed in, ${MEMBERS} members`, { next: rotatingMembers(path, members, LIKE_FORM) }),
      {
        ...signedIn(`studio, ${MEMBERS} members`, { next: rotatingMembers(STUDIO, members, STUDIO_MARK) }),
        connections: STUDIO_CONNECTIONS,
      },
    );
  }
  if (wants("mixed") && creator) {
    const running = new Generations(cachedBase, creator);
    generations = running;
    const runIds = await running.keepRunning(GENERATIONS);
    console.log(`  generation runs active on the worker: ${runIds.join(", ")}`);
    console.log(`  mixed pages: ${[pages.home, ...pages.articles, pages.tag, pages.search].join(" ")}`);
    console.log(`  mix: ${MIX_DESCRIPTION}; ${MIXED_CONNECTIONS} connections.`);
    cases.push({
      name: "mixed community",
      group: "mixed",
      connections: MIXED_CONNECTIONS,
      url: cachedBase,
      options: { next: mixedRequests(pages, members), ok: SUCCESS_OR_REDIRECT, timeoutMs: TIMEOUT_MS },
      before: () => running.keepRunning(GENERATIONS),
      runs: [],
    });
  }
  if (wants("connections")) {
    const limit = openFilesLimit();
    console.log(`  open files limit ${limit ?? "unknown"} per process (${OPEN_FILES} wanted).`);
    if (limit !== undefined && limit < OPEN_FILES)
      console.log(
        `  too low for ${MANY_CONNECTIONS} connections, expect EMFILE errors: raise the hard limit (ulimit -Hn as root, limits.conf, docker --ulimit nofile=${OPEN_FILES}).`,
      );
    cases.push({
      name: `cached, ${MANY_CONNECTIONS} connections`,
      group: "connections",
      connections: MANY_CONNECTIONS,
      url: `${cachedBase}${path}`,
      options: { timeoutMs: TIMEOUT_MS },
      runs: [],
    });
  }

  const label = (c: Case) => `${c.name} (${c.connections})`.padEnd(34);
  const run = (c: Case, seconds: number) => load(c.url, { ...c.options, connections: c.connections, seconds });
  // Untimed warm-up, so the JIT has compiled the hot paths of every server before anything counts.
  console.log("");
  for (const c of cases) await run(c, 3);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const c of cases) {
      await c.before?.();
      const result = await run(c, SECONDS);
      c.runs.push(result);
      const detail = c.group === "mixed" || result.errors ? `  [${outcomesOf([result])}]` : "";
      console.log(
        `  round ${round} ${label(c)} ${result.rps.toFixed(0).padStart(6)} req/s  P95 ${ms(p95(result))}  errors ${result.errors}${result.firstError ? ` (${result.firstError})` : ""}${detail}`,
      );
    }
  }

  console.log("\nMedian round (errors: all rounds):");
  for (const c of cases) {
    const m = medianRun(c.runs);
    console.log(
      `  ${label(c)} ${m.rps.toFixed(0).padStart(6)} req/s  P95 ${ms(p95(m)).padStart(9)}  errors ${errorsIn(c.runs)}`,
    );
  }

  const find = (name: string) => cases.find((c) => c.name === name) as Case;
  const targets: Target[] = [];
  if (wants("page-cache")) {
    const cached = find("cached (community)");
    const staticFile = find("static file");
    targets.push(
      ratio("cached / static throughput", ratioWithinRounds(cached.runs, staticFile.runs), 0.5),
      ratio("cached / uncached throughput", ratioWithinRounds(cached.runs, find("uncached (via CMS)").runs), 10, 1),
      ratio(
        "compressed cached / static throughput",
        ratioWithinRounds(find("cached, brotli").runs, find("static file, brotli").runs),
        0.6,
      ),
      withinFactor("cached / static P95 latency", ratioWithinRounds(cached.runs, staticFile.runs, p95), 2),
      noErrors(
        "errors, page-cache cases",
        errorsIn(cases.filter((c) => c.group === "page-cache").flatMap((c) => c.runs)),
      ),
    );
  }
  if (wants("signed-in")) {
    const anonymous = find("cached, anonymous");
    const studio = find(`studio, ${MEMBERS} members`);
    // A member's studio is theirs alone (two calls behind it, nothing cached): its own bar, its throughput shown.
    targets.push(latencyUnder(`${studio.name}, P95`, middle(studio.runs.map(p95)), 250));
    console.log(
      `\nStudio / anonymous article throughput: ${ratioWithinRounds(studio.runs, anonymous.runs).toFixed(2)}×.`,
    );
    for (const c of cases.filter((c) => c.group === "signed-in" && c !== anonymous && c !== studio))
      targets.push(
        ratio(`${c.name} / anonymous throughput`, ratioWithinRounds(c.runs, anonymous.runs), 0.25),
        latencyUnder(`${c.name}, P95`, middle(c.runs.map(p95)), 100),
      );
    targets.push(
      noErrors(
        "errors, signed-in cases",
        errorsIn(cases.filter((c) => c.group === "signed-in").flatMap((c) => c.runs)),
      ),
    );
  }
  if (wants("mixed")) {
    const mixed = find("mixed community");
    const m = medianRun(mixed.runs);
    console.log(`\nMixed community, median round, by visitor: ${latencyByKindPart(m, 0)}.`);
    console.log(`  by page: ${latencyByKindPart(m, 1)}.`);
    console.log(`  outcomes over all rounds: ${outcomesOf(mixed.runs)}`);
    targets.push(
      latencyUnder("mixed community, P95 of all requests", middle(mixed.runs.map(p95)), 150),
      noErrors("errors, mixed community", errorsIn(mixed.runs)),
    );
  }
  if (wants("connections")) {
    const many = find(`cached, ${MANY_CONNECTIONS} connections`);
    console.log(`\n${MANY_CONNECTIONS} connections, outcomes over all rounds: ${outcomesOf(many.runs)}`);
    targets.push(noErrors(`errors, ${MANY_CONNECTIONS} connections (timeouts included)`, errorsIn(many.runs)));
  }
  printTargets(targets);
} finally {
  await generations?.cancelAll();
  for (const proc of extra.reverse()) await proc.stop();
  await stack?.stop();
  await llm?.close();
  rmSync(dir, { recursive: true, force: true });
}
