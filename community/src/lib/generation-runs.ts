import type { Session } from "./auth/session.ts";
import { type CancelOutcome, type GenerationInput, generation, type RunView } from "./generation.ts";

/** A run id as it may appear in a path or a field (ids are `gen-<creator>-<hash>`); anything else is a 404. */
export function validRunId(value: string | undefined | null): value is string {
  return typeof value === "string" && /^[A-Za-z0-9:_.-]{1,200}$/.test(value);
}

/** Statuses of a run that can be started again under its id (the workflow id reuse policy allows only these). */
export const RETRYABLE_STATUSES: readonly RunView["status"][] = ["failed", "cancelled"];

/** Whether `session` may see the run's details (its log, draft, error) and act on it: its creator only. */
export function ownsRun(run: Pick<RunView, "creatorId">, session: Session | null | undefined): boolean {
  return Boolean(session && session.userId === run.creatorId);
}

/** The draft a finished run made, for the cancel answer (JSON) and the run page: where its studio editor is. */
export async function cancelledDraft(
  runId: string,
  outcome: CancelOutcome,
): Promise<{ documentId: string; locale: string } | undefined> {
  if (outcome !== "already_done") return undefined;
  const run = await generation()
    .getRun(runId)
    .catch(() => undefined);
  return run?.result ? { documentId: run.result.documentId, locale: run.result.locale } : undefined;
}

/** What `/write?from=` fills the form with: the typed fields as the form names them, and the run's file names. */
export function prefillOf(input: GenerationInput): { values: Record<string, string>; files: string[] } {
  return {
    values: {
      topic: input.topic,
      idea: input.idea,
      references: input.references,
      urls: input.urls.join("\n"),
      language: input.language,
      targetLength: String(input.targetLength),
      style: input.style,
      model: input.model ?? "",
      webSearch: input.webSearch ? "on" : "",
    },
    files: input.files.map((file) => file.name),
  };
}
