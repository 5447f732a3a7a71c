import { isDocumentId } from "@inkstone/config";
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  type WorkflowHandle,
  WorkflowNotFoundError,
} from "@temporalio/client";
import { type AnswerState, type AskInputDraft, answerWorkflowId, askInputSchema } from "../ask/contract.ts";
import { type AnswerMemo, answerEnqueuedUpdate } from "../ask/messages.ts";
import { CREATOR_ATTRIBUTE, STAGE_ATTRIBUTE } from "../run/search-attributes.ts";
// Type-only: answers are started by workflow type name, so the client never loads workflow code.
import type { answerQuestion } from "../workflows/index.ts";
import { InvalidRequest, QuotaExceeded, RunNotFound } from "./errors.ts";
import type { QueueEntry } from "./queue.ts";
import { memberAnswersQuery } from "./visibility.ts";

export type AnswerClientOptions = {
  client: Client;
  taskQueue: string;
  /** How long startAnswer waits for the answer to be queued (it needs a worker) before returning anyway. */
  enqueueTimeoutMs: number;
  /** The queue as the run queue lists it: an answer's position is its place in it. */
  listQueue(options?: { maxAgeMs?: number }): Promise<QueueEntry[]>;
};

export type StartAnswerOptions = {
  /** Answers the member may have queued or being written at once (ASK_QUOTA). */
  quota: number;
};

const WAITING = new Set(["queued", "resuming"]);
const ENDED = new Set(["done", "stopped", "failed"]);

/** Ask Inkstone's answers on the generation queue: start one, cancel one, and say where one stands. */
export function answerClient({ client, taskQueue, enqueueTimeoutMs, listQueue }: AnswerClientOptions) {
  /** The answer's workflow, described; RunNotFound when there is none, or it is not `memberId`'s (when given). */
  async function describeAnswer(answerId: string, memberId?: string) {
    const missing = () => new RunNotFound(`no answer ${answerId}`);
    if (!isDocumentId(answerId)) throw missing();
    const handle = client.workflow.getHandle(answerWorkflowId(answerId));
    const description = await handle.describe().catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError) throw missing();
      throw error;
    });
    if (description.type !== "answerQuestion") throw missing();
    if (memberId !== undefined && description.typedSearchAttributes.get(CREATOR_ATTRIBUTE) !== memberId)
      throw missing();
    return { handle, description };
  }

  return {
    /**
     * Queues the answer `input.answerId` (the CMS created it `queued`) and returns once it is in the queue (or after
     * `enqueueTimeoutMs` when no worker is running). Starting the same answer again is a no-op. Throws
     * InvalidRequest (400), or QuotaExceeded (429) when the member already has `quota` answers queued or being
     * written; a Temporal that cannot be reached throws as `start` does.
     */
    async startAnswer(draft: AskInputDraft, { quota }: StartAnswerOptions): Promise<void> {
      const parsed = askInputSchema.safeParse(draft);
      if (!parsed.success)
        throw new InvalidRequest(
          parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
        );
      const input = parsed.data;
      const workflowId = answerWorkflowId(input.answerId);
      const { count } = await client.workflow.count(memberAnswersQuery(taskQueue, input.memberId));
      if (count >= quota) {
        // Already started (a double submit) is not a new answer.
        const existing = await client.workflow
          .getHandle(workflowId)
          .describe()
          .catch(() => undefined);
        if (existing) return;
        throw new QuotaExceeded(quota, count, "answers");
      }
      let handle: WorkflowHandle<typeof answerQuestion>;
      try {
        handle = await client.workflow.start<typeof answerQuestion>("answerQuestion", {
          taskQueue,
          workflowId,
          args: [input],
          // An answer is written once: a running one is joined, an ended one is not started again.
          workflowIdConflictPolicy: "USE_EXISTING",
          workflowIdReusePolicy: "REJECT_DUPLICATE",
          memo: {
            kind: "answer",
            answerId: input.answerId,
            conversationId: input.conversationId,
            locale: input.locale,
          } satisfies AnswerMemo,
          typedSearchAttributes: [
            { key: STAGE_ATTRIBUTE, value: "queued" },
            { key: CREATOR_ATTRIBUTE, value: input.memberId },
          ],
        });
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return;
        throw error;
      }
      // As with runs: answers started one after another are queued, and take slots, in that order.
      await client
        .withDeadline(Date.now() + enqueueTimeoutMs, () => handle.executeUpdate(answerEnqueuedUpdate))
        .catch(() => undefined);
    },

    /**
     * Cancels `memberId`'s answer: a queued one never takes a slot, one being written stops within seconds and keeps
     * what was written; either way the CMS holds it `stopped`. RunNotFound when there is no such answer of theirs.
     */
    async cancelAnswer(answerId: string, memberId: string): Promise<void> {
      const { handle, description } = await describeAnswer(answerId, memberId);
      if (description.status.name === "RUNNING") await handle.cancel();
    },

    /**
     * Where the answer stands: queued with its 1-based place among everything waiting on the task queue (runs and
     * answers), active, or closed (ended, or never queued).
     */
    async answerState(answerId: string): Promise<AnswerState> {
      const found = await describeAnswer(answerId).catch((error: unknown) => {
        if (error instanceof RunNotFound) return undefined;
        throw error;
      });
      if (found?.description.status.name !== "RUNNING") return { state: "closed" };
      // The description is the workflow's own state (not the visibility index), current within its last task.
      const stage = found.description.typedSearchAttributes.get(STAGE_ATTRIBUTE) ?? "queued";
      if (ENDED.has(stage)) return { state: "closed" };
      if (!WAITING.has(stage)) return { state: "active" };
      const placeIn = (queue: QueueEntry[]) =>
        queue.find((entry) => entry.kind === "answer" && entry.answerId === answerId)?.position;
      let queue = await listQueue();
      // An answer queued a moment ago may not be in the shared snapshot yet; until visibility lists it, it is last.
      if (placeIn(queue) === undefined) queue = await listQueue({ maxAgeMs: 0 });
      return {
        state: "queued",
        position: placeIn(queue) ?? queue.filter((entry) => entry.status === "queued").length + 1,
      };
    },
  };
}
