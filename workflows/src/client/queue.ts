import type { WorkflowExecutionInfo } from "@temporalio/client";
import type { Stage } from "../run/run-state.ts";
import { CREATOR_ATTRIBUTE, STAGE_ATTRIBUTE } from "../run/search-attributes.ts";

type Place = {
  status: "active" | "queued";
  /** 1-based place among everything queued, runs and answers alike. */
  position?: number;
  /** Who submitted it: a run's creator, an answer's member. */
  creatorId: string;
  submittedAt: string;
};

/** A generation run in the queue view. Titles and positions are public; the community decides who sees the rest. */
export type RunQueueEntry = Place & { kind: "run"; runId: string; stage: Stage; topic: string; language: string };

/**
 * An answer of Ask Inkstone holding or awaiting a slot. Never its question: others see only that a slot is taken
 * or awaited; its owner finds the conversation by its id.
 */
export type AnswerQueueEntry = Place & { kind: "answer"; answerId: string; conversationId: string; locale: string };

export type QueueEntry = RunQueueEntry | AnswerQueueEntry;

const ACTIVE_STAGES = new Set<string>(["research", "read", "outline", "write", "assemble", "save", "answering"]);
const CLOSED_STAGES = new Set<string>(["done", "failed", "cancelled", "stopped"]);

/**
 * The queue in the order work will take slots: active entries first, then queued ones — work that resumes (it goes
 * ahead, with a higher task priority) before fresh work, each group in the order it entered the queue.
 */
export function orderQueue(executions: readonly WorkflowExecutionInfo[]): QueueEntry[] {
  const rows = executions.flatMap((info) => {
    const stage = info.typedSearchAttributes.get(STAGE_ATTRIBUTE) ?? "queued";
    if (CLOSED_STAGES.has(stage)) return [];
    const memo = (info.memo ?? {}) as Record<string, unknown>;
    const queuedAt = typeof memo.queuedAt === "number" ? memo.queuedAt : info.startTime.getTime();
    const place: Place = {
      status: ACTIVE_STAGES.has(stage) ? "active" : "queued",
      creatorId: String(info.typedSearchAttributes.get(CREATOR_ATTRIBUTE) ?? memo.creatorId ?? ""),
      submittedAt: info.startTime.toISOString(),
    };
    const entry: QueueEntry =
      info.type === "answerQuestion"
        ? {
            kind: "answer",
            answerId: String(memo.answerId ?? info.workflowId.replace(/^answer-/, "")),
            conversationId: String(memo.conversationId ?? ""),
            locale: String(memo.locale ?? ""),
            ...place,
          }
        : {
            kind: "run",
            runId: info.workflowId,
            stage: stage as Stage,
            topic: String(memo.topic ?? ""),
            language: String(memo.language ?? ""),
            ...place,
          };
    const group = place.status === "active" ? 0 : stage === "resuming" ? 1 : 2;
    return [{ entry, group, queuedAt, id: info.workflowId }];
  });
  rows.sort((a, b) => a.group - b.group || a.queuedAt - b.queuedAt || (a.id < b.id ? -1 : 1));
  let position = 0;
  return rows.map(({ entry }) => (entry.status === "queued" ? { ...entry, position: ++position } : entry));
}
