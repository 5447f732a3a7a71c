import type { WorkflowExecutionInfo } from "@temporalio/client";
import type { Stage } from "../run/run-state.ts";
import { CREATOR_ATTRIBUTE, STAGE_ATTRIBUTE } from "../run/search-attributes.ts";

/** One run in the queue view. Titles and positions are public; the community decides who sees the rest. */
export type QueueEntry = {
  runId: string;
  status: "active" | "queued";
  /** 1-based place among queued runs. */
  position?: number;
  stage: Stage;
  topic: string;
  creatorId: string;
  language: string;
  submittedAt: string;
};

const ACTIVE_STAGES = new Set<string>(["research", "read", "outline", "write", "assemble", "save"]);

/**
 * The queue in the order runs will take slots: active runs first, then queued ones — a resumed run (it goes ahead,
 * with a higher task priority) before fresh ones, each group in the order it entered the queue.
 */
export function orderQueue(executions: readonly WorkflowExecutionInfo[]): QueueEntry[] {
  const rows = executions.flatMap((info) => {
    const stage = (info.typedSearchAttributes.get(STAGE_ATTRIBUTE) ?? "queued") as Stage;
    if (stage === "done" || stage === "failed" || stage === "cancelled") return [];
    const memo = (info.memo ?? {}) as Record<string, unknown>;
    const queuedAt = typeof memo.queuedAt === "number" ? memo.queuedAt : info.startTime.getTime();
    return [
      {
        entry: {
          runId: info.workflowId,
          status: ACTIVE_STAGES.has(stage) ? ("active" as const) : ("queued" as const),
          stage,
          topic: String(memo.topic ?? ""),
          creatorId: String(info.typedSearchAttributes.get(CREATOR_ATTRIBUTE) ?? memo.creatorId ?? ""),
          language: String(memo.language ?? ""),
          submittedAt: info.startTime.toISOString(),
        } satisfies QueueEntry,
        group: ACTIVE_STAGES.has(stage) ? 0 : stage === "resuming" ? 1 : 2,
        queuedAt,
        id: info.workflowId,
      },
    ];
  });
  rows.sort((a, b) => a.group - b.group || a.queuedAt - b.queuedAt || (a.id < b.id ? -1 : 1));
  let position = 0;
  return rows.map(({ entry }) => (entry.status === "queued" ? { ...entry, position: ++position } : entry));
}
