import type { APIRoute } from "astro";
import { done, failed, memberRequest } from "../../../../lib/endpoint.ts";
import { Forbidden, generation, RunNotFound } from "../../../../lib/generation.ts";
import { cancelledDraft, validRunId } from "../../../../lib/generation-runs.ts";
import { asLocale, paths, t } from "../../../../lib/i18n/index.ts";
import { failedWith } from "../../../../lib/request-context.ts";
import { studioPaths } from "../../../../lib/studio/paths.ts";

/**
 * POST /api/runs/:runId/cancel — the run's creator cancels it (the workflows client checks who may), and hears what
 * that did: `cancelled`, or `already_done` (the draft is kept: its studio link comes along), `already_failed`,
 * `already_cancelled`. JSON `{ data: { runId, outcome, cancelled, draft? } }`, or back to the run page with the
 * message.
 */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, "/zh-CN/queue");
  if (opened instanceof Response) return opened;
  const { next, locale, session } = opened;
  const runId = context.params.runId ?? "";
  const r = t(locale).run;
  if (!validRunId(runId)) return failed(context, 404, "not_found", r.notFound, { next });
  try {
    const outcome = await generation().cancel(runId, { actorId: session.userId, isEditor: false });
    const draft = await cancelledDraft(runId, outcome);
    const draftLocale = asLocale(draft?.locale);
    return done(context, {
      next: paths.run(locale, runId),
      message: t(locale).generation.cancel[outcome],
      data: {
        runId,
        outcome,
        cancelled: outcome === "cancelled",
        ...(draft && draftLocale
          ? {
              draft: {
                ...draft,
                url: studioPaths.article(locale, { documentId: draft.documentId, locale: draftLocale }),
              },
            }
          : {}),
      },
    });
  } catch (error) {
    if (error instanceof Forbidden) return failed(context, 403, "forbidden", r.forbidden, { next });
    if (error instanceof RunNotFound) return failed(context, 404, "not_found", r.notFound, { next });
    failedWith(error);
    return failed(context, 503, "generation_unavailable", r.unavailable, { next });
  }
};
