// The generation workflow's signals, updates and query. Defined apart from the workflow so the activity (which sends
// them) and the client (which calls them) need not load workflow code, and the workflow need not load activity code.
import { defineQuery, defineSignal, defineUpdate } from "@temporalio/workflow";
import type { CancelOutcome, ProgressReport, RunResult, RunState, StartedReport } from "./run-state.ts";

/** Resolves once the run's pipeline is in the queue; the client starts runs through it, so starts keep their order. */
export const enqueuedUpdate = defineUpdate<{ runId: string }>("enqueued");
/** The pipeline activity holds a slot (sent by each attempt as it starts). */
export const startedSignal = defineSignal<[StartedReport]>("started");
/** Stage, percent and new log lines from the running pipeline. */
export const progressSignal = defineSignal<[ProgressReport & { attempt: number }]>("progress");
/**
 * Asked by the attempt just before it saves the draft: true lets it save (and a cancel then waits for the save),
 * false means the run is being cancelled and nothing may be saved.
 */
export const savingUpdate = defineUpdate<boolean, [{ attempt: number }]>("saving");
/**
 * Asked by the client right after it cancels the run: what the cancel did. Answered once it is certain: the run
 * stopped before saving anything, or it had finished (or was saving its draft, which it kept), or it had failed.
 */
export const cancelOutcomeUpdate = defineUpdate<CancelOutcome>("cancelOutcome");
/** The draft is saved; sent before the activity returns, so "done" is recorded before the slot is handed on. */
export const savedUpdate = defineUpdate<void, [{ attempt: number; result: RunResult }]>("saved");
/** The run as its page shows it. */
export const runStateQuery = defineQuery<RunState>("runState");
