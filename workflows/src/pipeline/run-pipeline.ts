import { type CmsClient, creatorBlocked } from "../cms/client.ts";
import { PRIVATE_NETWORKS_HINT } from "../fetch/address-policy.ts";
import type { PageFetcher } from "../fetch/guarded-fetch.ts";
import { readSources } from "../fetch/read-sources.ts";
import type { GenerationInput } from "../generation/request.ts";
import { type GenerationMetrics, recordLlmUsage } from "../metrics/metrics.ts";
import { gatherCandidates } from "../research/gather.ts";
import type { ResearchProvider } from "../research/types.ts";
import type { RunResult, WorkStage } from "../run/run-state.ts";
import { assembleArticle } from "../writer/citations.ts";
import { offlineWriter } from "../writer/offline-writer.ts";
import { materialOf, type UsageReport, type WriteContext, type Writer } from "../writer/types.ts";
import type { Checkpoint } from "./checkpoint.ts";
import { buildDraft } from "./draft.ts";
import { PipelineError } from "./errors.ts";
import type { RunReporter } from "./reporter.ts";

export type PipelineDeps = {
  providers: readonly ResearchProvider[];
  fetcher: Pick<PageFetcher, "fetchPage">;
  /** The writer for a request: through the LLM when one is configured, else the offline writer. */
  writerFor(request: GenerationInput, onUsage: (usage: UsageReport) => void): Writer;
  cms: Pick<CmsClient, "saveDraft" | "creatorStatus"> & Partial<Pick<CmsClient, "tagNames">>;
  metrics?: GenerationMetrics;
  readConcurrency: number;
  maxSources: number;
};

export type PipelineRun = {
  runId: string;
  /** The community request that submitted the run; sent with the CMS call. */
  requestId?: string;
  request: GenerationInput;
  checkpoint: Checkpoint;
  reporter: RunReporter;
  signal: AbortSignal;
};

/**
 * research → read sources → outline → write sections → assemble with citations → save draft.
 * Each finished step lands in the checkpoint (sent with the next heartbeat); steps already there are skipped.
 * A blocked creator's run stops before the first step and before saving (the CMS would refuse the draft anyway).
 */
export async function runPipeline(run: PipelineRun, deps: PipelineDeps): Promise<RunResult> {
  const { request, checkpoint, reporter, signal } = run;
  const log = reporter.log;
  const step = async <T>(stage: WorkStage, percent: number, work: () => Promise<T>): Promise<T> => {
    signal.throwIfAborted();
    reporter.stage(stage, percent);
    const started = performance.now();
    const result = await work();
    deps.metrics?.stageSeconds.observe({ stage }, (performance.now() - started) / 1000);
    reporter.beat();
    return result;
  };
  const ensureCreatorAllowed = async () => {
    const { blocked } = await deps.cms.creatorStatus(request.creatorId, { signal, requestId: run.requestId });
    if (blocked) throw creatorBlocked();
  };

  await ensureCreatorAllowed();

  if (!checkpoint.sources && !checkpoint.candidates) {
    checkpoint.candidates = await step("research", 3, () => gatherCandidates(deps.providers, { request, signal, log }));
    log("info", `research found ${checkpoint.candidates.length} candidate source(s)`, {
      key: "researchFound",
      params: { count: checkpoint.candidates.length },
    });
  }
  if (!checkpoint.sources) {
    const candidates = checkpoint.candidates ?? [];
    const { sources, unread } = await step("read", 10, () =>
      readSources(candidates, {
        fetcher: deps.fetcher,
        concurrency: deps.readConcurrency,
        maxSources: deps.maxSources,
        signal,
        log,
        onProgress: (done, total) => reporter.progress(10 + Math.round((20 * done) / Math.max(1, total))),
      }),
    );
    checkpoint.sources = sources;
    checkpoint.unread = unread;
    checkpoint.candidates = undefined;
    reporter.unread(unread);
    log("info", `${sources.length} source(s) read, ${unread.length} could not be read`, {
      key: "sourcesRead",
      params: { count: sources.length, unread: unread.length },
    });
    // How to allow private addresses is the operator's business, not the creator's: it goes to the worker's log.
    if (unread.some((source) => source.reason === "private-address"))
      reporter.operator("warn", `sources on private addresses were refused; ${PRIVATE_NETWORKS_HINT}`);
  }

  const sources = checkpoint.sources;
  const material = materialOf(request);
  const writer = writerOf(run, deps, (usage) => {
    const cost = recordLlmUsage(deps.metrics, usage);
    checkpoint.usage.promptTokens += usage.promptTokens;
    checkpoint.usage.completionTokens += usage.completionTokens;
    checkpoint.usage.costUsd += cost;
    if (!checkpoint.usage.models.includes(usage.model)) checkpoint.usage.models.push(usage.model);
  });
  if (sources.length === 0 && material.length === 0) {
    if (writer.offline)
      throw new PipelineError(
        "no-material",
        "no source could be read and no references or files were given, so there is nothing to write the article from: see why each source could not be read, then start again with sources that can be read, or paste references or upload a file",
        false,
        { key: "noMaterial" },
      );
    log("warn", "no source could be read: the article is written without citations", { key: "noCitations" });
  }
  if (writer.offline)
    log("info", "no language model is configured: the offline writer composes the article from the sources", {
      key: "offlineWriter",
    });
  // The community's tags, for the offline writer to suggest from; without them it suggests none.
  const taxonomy = writer.offline
    ? await (deps.cms.tagNames?.(request.language, { signal, requestId: run.requestId }) ?? Promise.resolve([])).catch(
        (error: unknown) => {
          const reason = String((error as Error).message);
          log("info", `the community's tags could not be read (${reason}); no tags suggested`, {
            key: "tagsUnreadable",
            params: { reason: reason.slice(0, 300) },
          });
          return [];
        },
      )
    : [];
  const context: WriteContext = { request, sources, material, signal, log, taxonomy };

  if (!checkpoint.outline)
    checkpoint.outline = await step("outline", 32, async () => {
      const outline = await writer.outline(context);
      log("info", `outline: ${outline.sections.length} sections`, {
        key: "outline",
        params: { sections: outline.sections.length },
      });
      return outline;
    });
  const outline = checkpoint.outline;

  const total = outline.sections.length;
  for (let index = checkpoint.sections.length; index < total; index++) {
    const heading = outline.sections[index]?.heading ?? "";
    const written = checkpoint.sections.map((section) => section.text).filter(Boolean);
    const text = await step("write", 40 + Math.round((50 * index) / total), () =>
      writer.section(context, outline, index, written),
    );
    checkpoint.sections.push({ heading, text });
    reporter.beat();
    if (text)
      log("info", `section ${index + 1}/${total} written: ${heading}`, {
        key: "sectionWritten",
        params: { n: index + 1, total, heading },
      });
  }

  // A section the writer could not write well is left out (it said why in the log).
  const kept = checkpoint.sections.filter((section) => section.text.trim());
  if (kept.length === 0)
    throw new PipelineError(
      "invalid-draft",
      "no section of the article could be written in the run's language, citing its sources and without repeating itself (the run log says why each was left out); try again with other sources or another model",
      false,
      { key: "noSectionWritten" },
    );
  const article = await step("assemble", 92, async () => assembleArticle({ sections: kept, sources }));
  if (article.dropped)
    log("warn", `${article.dropped} citation(s) named sources that were not read and were removed`, {
      key: "citationsDropped",
      params: { count: article.dropped },
    });
  log("info", `${article.sources.length} of ${sources.length} sources cited`, {
    key: "sourcesCited",
    params: { cited: article.sources.length, total: sources.length },
  });

  const draft = buildDraft({
    runId: run.runId,
    request,
    outline,
    article,
    checkpoint,
    offline: writer.offline,
    models: writer.models,
    now: Date.now(),
  });
  const saved = await step("save", 96, async () => {
    await ensureCreatorAllowed();
    // The run decides: once a cancel is asked for nothing is saved, and once saving is allowed a cancel waits for
    // it. So the save itself is not cut off by a cancel that arrives meanwhile (its own timeout still applies).
    if (!(await reporter.maySave())) await stopForCancel(signal);
    return deps.cms.saveDraft(run.runId, draft, { requestId: run.requestId });
  });
  const { usage } = checkpoint;
  log(
    "info",
    `draft saved (${saved.created ? "new" : "updated"}); ${usage.promptTokens} prompt and ${usage.completionTokens} completion tokens, $${usage.costUsd.toFixed(4)}`,
    {
      key: "draftSaved",
      params: {
        created: saved.created,
        promptTokens: usage.promptTokens,
        completionTokens: usage.completionTokens,
        costUsd: usage.costUsd.toFixed(4),
      },
    },
  );
  const result: RunResult = {
    documentId: saved.documentId,
    locale: saved.locale,
    title: draft.title,
    sources: draft.sources.length,
    offlineWriter: writer.offline,
    usage,
    ...(checkpoint.unread?.length ? { unread: checkpoint.unread } : {}),
  };
  await reporter.saved(result);
  return result;
}

/**
 * The run's writer. The first attempt takes the worker's (a model when one is configured, else the offline writer)
 * and records it in the checkpoint; a resumed attempt keeps the recorded one — the offline writer even on a worker
 * with a model, the recorded model even if this worker's is another — and, when the run is a model's and this
 * worker has none, fails as retryable so the run waits for a worker that has one instead of mixing writers.
 */
export function writerOf(run: PipelineRun, deps: PipelineDeps, onUsage: (usage: UsageReport) => void): Writer {
  const recorded = run.checkpoint.writer;
  if (recorded?.offline) return offlineWriter();
  const model = recorded?.models.at(-1);
  const writer = deps.writerFor(model ? { ...run.request, model } : run.request, onUsage);
  if (recorded && writer.offline)
    throw new PipelineError(
      "llm-unavailable",
      `this run is written by the language model ${recorded.models.join(", ")}, and this worker has none configured; waiting for one that has`,
      true,
    );
  run.checkpoint.writer ??= { offline: writer.offline, models: writer.models };
  return writer;
}

/** How long a refused save waits for the cancel that refused it to reach this attempt. */
const CANCEL_ARRIVAL_MS = 30_000;

/**
 * The run refused the save: a cancel was asked for (or this attempt was superseded), and this attempt's own
 * cancellation follows within seconds. Waits for it; if it never comes, gives the attempt up as retryable.
 */
async function stopForCancel(signal: AbortSignal): Promise<never> {
  if (!signal.aborted)
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CANCEL_ARRIVAL_MS);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  signal.throwIfAborted();
  throw new PipelineError("cms-unavailable", "the run did not let this attempt save its draft", true);
}
