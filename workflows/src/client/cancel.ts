import { type Client, type WorkflowExecutionDescription, WorkflowNotFoundError } from "@temporalio/client";
import { cancelOutcomeUpdate, runStateQuery } from "../run/messages.ts";
import type { CancelOutcome } from "../run/run-state.ts";
import { CREATOR_ATTRIBUTE } from "../run/search-attributes.ts";
import { Forbidden, RunNotFound } from "./errors.ts";

/** Who asks: the run's creator, or an editor. */
export type Actor = { actorId: string; isEditor: boolean };

/** A closed run as a cancel finds it: it had ended before the cancel (`cancelledNow`: the cancel ended it). */
function closedOutcome(status: string, cancelledNow: boolean): CancelOutcome | undefined {
  if (status === "COMPLETED") return "already_done";
  if (status === "FAILED" || status === "TIMED_OUT") return "already_failed";
  if (status === "CANCELLED" || status === "TERMINATED") return cancelledNow ? "cancelled" : "already_cancelled";
  return undefined;
}

/** The generation run `runId`'s description; RunNotFound when there is none (or it is not a generation run). */
export async function describeRun(client: Client, runId: string): Promise<WorkflowExecutionDescription> {
  const description = await client.workflow
    .getHandle(runId)
    .describe()
    .catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError) throw new RunNotFound(`no generation run ${runId}`);
      throw error;
    });
  if (description.type !== "generateArticle") throw new RunNotFound(`no generation run ${runId}`);
  return description;
}

/** The generation run `runId`, described; RunNotFound when there is none, Forbidden when `actor` may not act on it. */
export async function describeOwnRun(client: Client, runId: string, actor: Actor, action: string) {
  const handle = client.workflow.getHandle(runId);
  const description = await describeRun(client, runId);
  const creatorId = description.typedSearchAttributes.get(CREATOR_ATTRIBUTE);
  if (creatorId !== actor.actorId && !actor.isEditor)
    throw new Forbidden(`only the run's creator or an editor can ${action} it`);
  return { handle, description };
}

/**
 * Cancels `runId` and says what that did. The cancel itself is Temporal's (recorded at once, so it holds whatever
 * happens next); the run then answers the outcome, once it is certain: `cancelled` when nothing was or will be
 * saved, `already_done` when the draft was saved (or was being saved: the save is never cut off), `already_failed`.
 * A run that had ended answers how. With no worker to ask, a cancel of a running run is `cancelled`: no attempt runs,
 * and none will start (the run sees the cancel first).
 */
export async function cancelRun(
  client: Client,
  runId: string,
  actor: Actor,
  { outcomeTimeoutMs = 40_000 }: { outcomeTimeoutMs?: number } = {},
): Promise<CancelOutcome> {
  const { handle, description } = await describeOwnRun(client, runId, actor, "cancel");
  const ended = closedOutcome(description.status.name, false);
  if (ended) return ended;
  const closedNow = async (): Promise<WorkflowExecutionDescription | undefined> => {
    const now = await handle.describe().catch(() => undefined);
    return now && now.status.name !== "RUNNING" ? now : undefined;
  };
  try {
    await handle.cancel();
  } catch (error) {
    // It closed between the description and the cancel.
    const now = await closedNow();
    if (now) return closedOutcome(now.status.name, false) ?? "cancelled";
    throw error;
  }
  // A worker answers in milliseconds; without one, nothing can be running, and nothing will run.
  const answering = await client
    .withDeadline(Date.now() + 2000, () => handle.query(runStateQuery))
    .then(() => true)
    .catch(() => false);
  if (!answering) {
    const now = await closedNow();
    return now ? (closedOutcome(now.status.name, true) ?? "cancelled") : "cancelled";
  }
  try {
    return await client.withDeadline(Date.now() + outcomeTimeoutMs, () => handle.executeUpdate(cancelOutcomeUpdate));
  } catch {
    // The run ended as the answer was being sent (its update is then lost with it): its end says what happened.
    const now = await closedNow();
    return now ? (closedOutcome(now.status.name, true) ?? "cancelled") : "cancelled";
  }
}
