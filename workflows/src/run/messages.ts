// The generation workflow's signals, updates and query. Defined apart from the workflow so the activity (which sends
// them) and the client (which calls them) need not load workflow code, and the workflow need not load activity code.
import { defineQuery, defineSignal, defineUpdate } from "@temporalio/workflow";
import type { ProgressReport, RunResult, RunState, StartedReport } from "./run-state.ts";

/** Resolves once the run's pipeline is in the queue; the client starts runs through it, so starts keep their order. */
export const enqueuedUpdate = defineUpdate<{ runId: string }>("enqueued");
/** The pipeline activity holds a slot (sent by each attempt as it starts). */
export const startedSignal = defineSignal<[StartedReport]>("started");
/** Stage, percent and new log lines from the running pipeline. */
export const progressSignal = defineSignal<[ProgressReport & { attempt: number }]>("progress");
/** The draft is saved; sent before the activity returns, so "done" is recorded before the slot is handed on. */
export const savedUpdate = defineUpdate<void, [{ attempt: number; result: RunResult }]>("saved");
/** The run as its page shows it. */
export const runStateQuery = defineQuery<RunState>("runState");
