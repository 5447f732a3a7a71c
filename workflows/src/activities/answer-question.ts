import type { Logger } from "@inkstone/config/logger";
import { ApplicationFailure, Context } from "@temporalio/activity";
import type { Client } from "@temporalio/client";
import { type ShapedAnswer, withinLimit } from "../ask/answer-text.ts";
import type { Composer } from "../ask/compose.ts";
import { answerWorkflowId, type FinalStatus, isFinalStatus } from "../ask/contract.ts";
import { AnswerEvents, type EndOfAnswer } from "../ask/events.ts";
import { type AnswerOutcome, type AnswerTask, answerStartedSignal, type Settlement } from "../ask/messages.ts";
import { findPassages } from "../ask/passages.ts";
import { ASK_WORDING, failureWording } from "../ask/wording.ts";
import type { CmsClient, StoredAnswer } from "../cms/client.ts";
import type { GenerationMetrics } from "../metrics/metrics.ts";
import { PipelineError, type PipelineErrorKind } from "../pipeline/errors.ts";
import type { CommunityArticles } from "../research/community.ts";
import type { RunLog } from "../research/types.ts";

export type AskDeps = {
  /** The community's published articles, found and read. */
  articles: CommunityArticles;
  /** Through the configured language model, else extractive. */
  composer: Composer;
  /** Where answer events go (COMMUNITY_INTERNAL_URL, else COMMUNITY_URL) and the secret that signs them. */
  communityUrl: string;
  webhookSecret: string;
  /** Pause after each extracted sentence, so an extractive answer arrives like a written one. */
  extractPaceMs?: number;
};

export type AnswerDeps = {
  ask: AskDeps;
  cms: Pick<CmsClient, "answer" | "updateAnswer">;
  /** Reaches the answer's workflow (the started signal). */
  temporal: Client;
  metrics: GenerationMetrics;
  logger: Logger;
};

/**
 * One answer as one long activity holding a generation slot: marks the answer streaming, finds the articles to
 * answer from, writes the answer while pushing it to the community, and saves it. Cancelled, it saves what was
 * written as `stopped`; failed for good (or on its last attempt), it saves `failed` with words the member can act on.
 */
export function answerActivity(deps: AnswerDeps) {
  return async function answerActivity(task: AnswerTask): Promise<AnswerOutcome> {
    const context = Context.current();
    const { input, attempt } = task;
    const { answerId, locale, requestId } = input;
    const signal = context.cancellationSignal;
    const log = deps.logger.child({ answerId, conversationId: input.conversationId, requestId, attempt });
    const runLog: RunLog = (level, message) => log[level](message);
    const { composer } = deps.ask;
    const events = new AnswerEvents({
      communityUrl: deps.ask.communityUrl,
      secret: deps.ask.webhookSecret,
      answerId,
      attempt,
      logger: log,
    });
    const beat = () => {
      try {
        context.heartbeat();
      } catch {
        // The attempt is over (cancelled or completed); the cancellation signal says which.
      }
    };
    beat();
    const heartbeats = setInterval(beat, 1000);
    deps.metrics.activeSlots.inc();
    log.info({ queuedSeconds: (Date.now() - task.queuedAt) / 1000 }, "answer attempt started");

    // What the reader has been shown: the beginning of the final text, and what a stopped answer keeps.
    let shown: ShapedAnswer = { text: "", citations: [] };
    const show = (answer: ShapedAnswer) => {
      if (!answer.text.startsWith(shown.text) || answer.text.length === shown.text.length) return;
      events.text(answer.text.slice(shown.text.length));
      shown = answer;
    };
    const ended = (
      status: FinalStatus,
      answer: ShapedAnswer,
      extra: Pick<EndOfAnswer, "model" | "error"> = {},
    ): EndOfAnswer => {
      // The model as the endpoint named it (else as configured), within what the CMS keeps.
      const model = (extra.model ?? composer.model)?.slice(0, 200);
      return {
        status,
        text: withinLimit(answer.text),
        citations: answer.citations,
        mode: composer.mode,
        ...(model ? { model } : {}),
        ...(extra.error ? { error: extra.error } : {}),
      };
    };
    /** Saves the final answer, then tells the reader; an answer that already ended keeps its end. */
    const finish = async (end: EndOfAnswer): Promise<AnswerOutcome> => {
      const saved = await saveFinal(deps.cms, answerId, end, requestId);
      await events.end(saved);
      return { status: saved.status };
    };

    try {
      const execution = context.info.workflowExecution;
      await deps.temporal.workflow
        .getHandle(execution?.workflowId ?? answerWorkflowId(answerId), execution?.runId)
        .signal(answerStartedSignal, { attempt, startedAt: Date.now() })
        .catch((error: unknown) => log.warn({ err: error }, "the answer's workflow was not told it started"));
      const stored = await deps.cms.answer(answerId, { signal, requestId });
      if (!stored) {
        log.info("the answer is gone (its conversation was deleted): nothing to write");
        await events.end(ended("stopped", shown));
        return { status: "stopped" };
      }
      // An earlier attempt saved it and was lost before it could say so: the answer stands as saved.
      if (isFinalStatus(stored.status)) {
        await events.end(endOf(stored, stored.status, composer));
        return { status: stored.status };
      }
      if (stored.status === "queued")
        await deps.cms.updateAnswer(answerId, { status: "streaming" }, { signal, requestId });

      const passages = await findPassages(deps.ask.articles, input, { signal, log: runLog });
      log.info({ passages: passages.length }, "articles to answer from");
      if (passages.length === 0) {
        const note = { text: ASK_WORDING[locale].nothingFound, citations: [] };
        show(note);
        return await finish(ended("done", note));
      }
      const composed = await composer.compose({
        input,
        passages,
        signal,
        log: runLog,
        show,
        settle: async () => {
          // The reader catches up (a push that hangs is not waited for long), then a short pause.
          await Promise.race([events.idle(), delay(1000)]);
          await delay(deps.ask.extractPaceMs ?? 120);
        },
      });
      show(composed);
      return await finish(ended("done", composed, { model: composed.model }));
    } catch (error) {
      if (signal.aborted) {
        if (context.cancellationDetails?.cancelRequested) {
          log.info({ chars: shown.text.length }, "answer cancelled: saving what was written");
          await finish(ended("stopped", shown)).catch((saveError: unknown) =>
            log.warn({ err: saveError }, "the stopped answer could not be saved; the workflow tries again"),
          );
          throw signal.reason;
        }
        // The worker is shutting down (or the server gave up on this attempt): another attempt starts over.
        throw ApplicationFailure.create({
          message: "the worker stopped before the answer was finished",
          type: "WorkerShutdown",
        });
      }
      const kind: PipelineErrorKind | "unexpected" = error instanceof PipelineError ? error.kind : "unexpected";
      const retryable = error instanceof PipelineError ? error.retryable : true;
      const message = error instanceof Error ? error.message : String(error);
      deps.metrics.failures.inc({ kind, retryable: String(retryable) });
      log[retryable && !task.lastAttempt ? "warn" : "error"](
        { err: error, kind, retryable },
        `answer attempt failed: ${message}`,
      );
      if (!retryable || task.lastAttempt) {
        await finish(ended("failed", { text: "", citations: [] }, { error: failureWording(locale, kind) })).catch(
          (saveError: unknown) =>
            log.warn({ err: saveError }, "the failed answer could not be saved; the workflow tries again"),
        );
      }
      throw ApplicationFailure.create({
        message,
        type: kind,
        nonRetryable: !retryable || task.lastAttempt,
        cause: error instanceof Error ? error : undefined,
      });
    } finally {
      clearInterval(heartbeats);
      deps.metrics.activeSlots.dec();
    }
  };
}

/**
 * Ends an answer no attempt could end (a local activity: it takes no slot). A no-op when the answer already ended
 * (the attempt saved it) or is gone.
 */
export function settleAnswerActivity(deps: AnswerDeps) {
  return async function settleAnswer(settlement: Settlement): Promise<void> {
    const { answerId, locale, status, attempt, requestId } = settlement;
    const stored = await deps.cms.answer(answerId, { requestId });
    if (!stored || isFinalStatus(stored.status)) return;
    const events = new AnswerEvents({
      communityUrl: deps.ask.communityUrl,
      secret: deps.ask.webhookSecret,
      answerId,
      attempt,
      logger: deps.logger.child({ answerId, requestId, attempt }),
    });
    const end: EndOfAnswer = {
      status,
      text: "",
      citations: [],
      mode: deps.ask.composer.mode,
      ...(status === "failed" ? { error: failureWording(locale, settlement.kind ?? "unexpected") } : {}),
    };
    await events.end(await saveFinal(deps.cms, answerId, end, requestId));
  };
}

/**
 * Saves `end` in the CMS and returns the end as saved. The CMS refuses (409) a different end of an answer that
 * already ended: then that end stands, read back from the CMS.
 */
async function saveFinal(
  cms: AnswerDeps["cms"],
  answerId: string,
  end: EndOfAnswer,
  requestId: string | undefined,
): Promise<EndOfAnswer> {
  const { status, text, citations, mode, model, error } = end;
  try {
    await cms.updateAnswer(
      answerId,
      { status, text, citations, mode, ...(model ? { model } : {}), ...(error ? { error } : {}) },
      { requestId },
    );
    return end;
  } catch (failure) {
    if (!(failure instanceof PipelineError && failure.status === 409)) throw failure;
    const stored = await cms.answer(answerId, { requestId });
    if (!stored || !isFinalStatus(stored.status)) throw failure;
    return endOf(stored, stored.status, { mode });
  }
}

/** The end event of an answer the CMS holds as final. */
function endOf(stored: StoredAnswer, status: FinalStatus, fallback: Pick<Composer, "mode">): EndOfAnswer {
  return {
    status,
    text: stored.text,
    citations: stored.citations ?? [],
    mode: stored.mode ?? fallback.mode,
    ...(stored.model ? { model: stored.model } : {}),
    ...(stored.error ? { error: stored.error } : {}),
  };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
