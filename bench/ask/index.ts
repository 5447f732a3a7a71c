// Ask Inkstone's streaming numbers (ARCHITECTURE.md, "Performance targets"), on a stack of its own started the way
// `npm start` starts it (CMS, worker with two slots, community; demo content to ground answers in), with a stand-in
// model streaming ANSWER_TOKENS tokens every TOKEN_MS:
//   - slot free → first token in the browser (target P95 < 300 ms): asks one at a time, so a slot is always free;
//   - relay overhead per chunk (target P95 < 50 ms): from the model sending a token to the browser receiving it,
//     through the worker, the community's events endpoint, its store and the member's event stream;
//   - MEMBERS members asking at once (two stream through the slots, the rest wait queued): 0 errors, every answer
//     complete.
// The baseline is the stand-in model read directly in the same run. Run: npm run bench:ask
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APPS } from "../../scripts/stack/apps.ts";
import { freeInfraPorts } from "../../scripts/stack/infra.ts";
import { ephemeralSecrets } from "../../scripts/stack/secrets.ts";
import { buildStale, type Stack, startStack } from "../../scripts/stack/stack.ts";
import { freePort } from "../../scripts/stack/wait.ts";
import { type Member, signUpMembers } from "../community/members.ts";
import { ms, summarize } from "../stats.ts";
import { FINAL_WORD, startTokenModel, TOKEN_TIME } from "./model.ts";
import { ask, readAnswer, type StreamEvent } from "./stream.ts";

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 20);
const ANSWER_TOKENS = 30;
const TOKEN_MS = 20;
const QUESTION = "How do tidal lagoons store energy, and what do citations add to a draft?";

const dir = mkdtempSync(join(tmpdir(), "inkstone-bench-ask-"));
const logDir = join(dir, "logs");
const model = await startTokenModel(ANSWER_TOKENS, TOKEN_MS);
let stack: Stack | undefined;
let failed = false;

/** Milliseconds from each token's sending to the arrival of the text event carrying it (the oldest token in it). */
function relayDelays(events: readonly StreamEvent[]): number[] {
  const delays: number[] = [];
  for (const event of events.filter((e) => e.event === "text")) {
    const sent = [...event.data.matchAll(TOKEN_TIME)].map((match) => Number(match[1]));
    if (sent.length > 0) delays.push(event.at - Math.min(...sent));
  }
  return delays;
}

/** The model read directly, the same way: time to its first token and per-chunk delay (the baseline). */
async function direct(): Promise<{ firstMs: number; delays: number[] }> {
  const started = performance.now();
  const response = await fetch(`${model.url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "bench-model", stream: true, messages: [{ role: "user", content: QUESTION }] }),
  });
  let firstMs = Number.NaN;
  const delays: number[] = [];
  const decoder = new TextDecoder();
  for await (const bytes of response.body ?? []) {
    const at = performance.timeOrigin + performance.now();
    if (Number.isNaN(firstMs)) firstMs = performance.now() - started;
    for (const match of decoder.decode(bytes, { stream: true }).matchAll(TOKEN_TIME))
      delays.push(at - Number(match[1]));
  }
  return { firstMs, delays };
}

const check = (label: string, ok: boolean) => {
  if (!ok) failed = true;
  console.log(`  ${ok ? "✓" : "✗"} ${label}`);
};

try {
  console.log(
    "Building what is stale, then starting PostgreSQL, Meilisearch, Temporal, the CMS, the worker, the community…",
  );
  await buildStale(
    APPS.filter((app) => ["cms", "worker", "community"].includes(app.name)),
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
      WORKER_METRICS_PORT: String(await freePort()),
      // The bench stands in for a proxy: each member comes from an address of its own.
      TRUSTED_PROXIES: "127.0.0.1",
      // Its members sign up and ask at once, with no inbox to confirm their address from.
      MEMBER_EMAIL_VERIFICATION: "off",
      OPENAI_BASE_URL: model.url,
      OPENAI_API_KEY: "bench",
      OPENAI_MODEL: "bench-model",
      GENERATION_CONCURRENCY: "2",
    },
    apps: ["cms", "worker", "community"],
  });
  const base = String(stack.env.COMMUNITY_URL);
  const members: Member[] = await signUpMembers(base, "asker", MEMBERS);
  const baseline = await direct();
  console.log(
    `\nBaseline, the stand-in model read directly: first token ${ms(baseline.firstMs)}, per-token delay P95 ${ms(summarize(baseline.delays).p95)}`,
  );

  // 1. One question at a time: a slot is free whenever a question is asked.
  const firstTokens: number[] = [];
  const delays: number[] = [];
  for (const member of members) {
    const ids = await ask(base, member, QUESTION);
    const asked = performance.timeOrigin + performance.now();
    const events = await readAnswer(base, member, ids);
    const first = events.find((event) => event.event === "text");
    if (!first) throw new Error("an answer streamed no text");
    firstTokens.push(first.at - asked);
    delays.push(...relayDelays(events));
  }
  const first = summarize(firstTokens);
  console.log(`\nSlot free → first token in the browser, ${members.length} answers one at a time:`);
  console.log(
    `  P50 ${ms(first.p50)}  P95 ${ms(first.p95)}  (${(first.p95 / baseline.firstMs).toFixed(1)}× the model's own)`,
  );
  check(`P95 ${first.p95.toFixed(0)} ms < 300 ms`, first.p95 < 300);

  // 2. Everyone at once: two stream, the others wait their turn and then stream.
  const started = performance.now();
  const results = await Promise.allSettled(
    members.map(async (member) => {
      const ids = await ask(base, member, QUESTION);
      return readAnswer(base, member, ids);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const errors = results.filter((result) => result.status === "rejected");
  const streams = results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const complete = streams.filter((events) => {
    const end = events.at(-1);
    if (end?.event !== "end") return false;
    const final = JSON.parse(end.data) as { status?: string; text?: string };
    // The model's last words made it into the saved answer: nothing was cut off.
    return final.status === "done" && Boolean(final.text?.includes(FINAL_WORD));
  });
  const queued = streams.filter((events) => events.some((event) => event.event === "queued")).length;
  for (const events of streams) delays.push(...relayDelays(events));
  console.log(`\n${members.length} members asking at once: ${seconds.toFixed(1)} s for all of them`);
  console.log(`  ${complete.length} complete, ${errors.length} errors, ${queued} saw their place in the queue`);
  for (const error of errors.slice(0, 3)) console.log(`    ${(error as PromiseRejectedResult).reason}`);
  check("0 errors", errors.length === 0);
  check("every answer complete", complete.length === members.length);

  const relay = summarize(delays);
  console.log(`\nRelay overhead per chunk (model → worker → community → browser), ${delays.length} chunks:`);
  console.log(
    `  P50 ${ms(relay.p50)}  P95 ${ms(relay.p95)}  (baseline P95 ${ms(summarize(baseline.delays).p95)}, ${(relay.p95 / Math.max(1, summarize(baseline.delays).p95)).toFixed(1)}×)`,
  );
  check(`P95 ${relay.p95.toFixed(1)} ms < 50 ms`, relay.p95 < 50);
} catch (error) {
  failed = true;
  console.error(`The bench could not run: ${(error as Error).stack ?? error}\nLogs: ${logDir}`);
} finally {
  await stack?.stop();
  await model.close();
  if (!failed) rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
