import type { GenerationFailure } from "@inkstone/config";
import { activityInfo } from "@temporalio/activity";
import type { CmsClient } from "../cms/client.ts";
import { type AskDeps, answerActivity, settleAnswerActivity } from "./answer-question.ts";
import { type GenerateDeps, generateArticlePipelineActivity } from "./generate-article.ts";

export type ActivityDeps = GenerateDeps & {
  /** Names this worker in results and logs, so tests and operators can tell workers apart. */
  workerId: string;
  /** The routes the pipeline and answers call; research reads articles through its own providers. */
  cms: Pick<CmsClient, "creatorStatus" | "saveDraft" | "reportFailure" | "answer" | "updateAnswer">;
  /** What answers of Ask Inkstone need beyond that. */
  ask: AskDeps;
};

/** Activities get their clients from `deps`, so tests and the worker wire them the same way. */
export function createActivities(deps: ActivityDeps) {
  return {
    /** Proves a round trip through the task queue: the worker that ran it answers. */
    async ping(message: string): Promise<string> {
      return `pong: ${message} (worker ${deps.workerId}, attempt ${activityInfo().attempt})`;
    },
    /** research → read → outline → write → assemble → save, holding one generation slot. */
    generateArticlePipeline: generateArticlePipelineActivity(deps),
    /** Answers a question of Ask Inkstone, holding one generation slot like a run's pipeline. */
    answerActivity: answerActivity(deps),
    /** Ends an answer no attempt could end (a local activity: it must not wait for a slot). */
    settleAnswer: settleAnswerActivity(deps),
    /** Tells the creator their run failed (a local activity: it must not wait for a generation slot). */
    async notifyFailure(runId: string, failure: GenerationFailure, requestId?: string): Promise<void> {
      await deps.cms.reportFailure(runId, failure, { requestId });
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
