import type { APIRoute } from "astro";
import { failed, memberRequest } from "../../../../lib/endpoint.ts";
import { Forbidden, generation, RunNotFound } from "../../../../lib/generation.ts";
import { RETRYABLE_STATUSES, validRunId } from "../../../../lib/generation-runs.ts";
import { startRun } from "../../../../lib/generation-start.ts";
import { paths, t } from "../../../../lib/i18n/index.ts";
import { failedWith } from "../../../../lib/request-context.ts";

/**
 * POST /api/runs/:runId/retry — the run's creator starts a failed or cancelled run again with the same inputs (form
 * post or JSON). Same inputs, same run id: Temporal starts it anew under that id. The rules of a new run apply (a
 * confirmed address, the rate limit, the quota). Another member 403; unknown 404; a run that made a draft 409 (start
 * a new run from its inputs instead: /write?from=); one still queued or running 409.
 */
export const POST: APIRoute = async (context) => {
  const runId = context.params.runId ?? "";
  const fallback = validRunId(runId) ? paths.run("zh-CN", runId) : "/zh-CN/queue";
  const opened = await memberRequest(context, fallback);
  if (opened instanceof Response) return opened;
  const { next, locale, session } = opened;
  const g = t(locale).generation;
  const r = t(locale).run;
  if (!validRunId(runId)) return failed(context, 404, "not_found", r.notFound, { next });
  try {
    const input = await generation().runInput(runId, { actorId: session.userId, isEditor: false });
    const { status } = await generation().getRun(runId);
    if (status === "done") return failed(context, 409, "already_done", g.retry.alreadyDone, { next });
    if (!RETRYABLE_STATUSES.includes(status))
      return failed(context, 409, "still_running", g.retry.stillRunning, { next });
    const { creatorId: _creator, ...request } = input;
    return await startRun(context, session, request, g.retry.started, { next: paths.run(locale, runId), locale });
  } catch (error) {
    if (error instanceof Forbidden) return failed(context, 403, "forbidden", g.retry.forbidden, { next });
    if (error instanceof RunNotFound) return failed(context, 404, "not_found", r.notFound, { next });
    failedWith(error);
    return failed(context, 503, "generation_unavailable", r.unavailable, { next });
  }
};
