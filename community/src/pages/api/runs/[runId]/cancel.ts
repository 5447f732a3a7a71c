import type { APIRoute } from "astro";
import { done, failed, memberRequest } from "../../../../lib/endpoint.ts";
import { Forbidden, generation, RunNotFound } from "../../../../lib/generation.ts";
import { paths, t } from "../../../../lib/i18n/index.ts";
import { failedWith } from "../../../../lib/request-context.ts";

/** POST /api/runs/:runId/cancel — the run's creator cancels it (the workflows client checks who may). */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, "/zh-CN/queue");
  if (opened instanceof Response) return opened;
  const { next, locale, session } = opened;
  const runId = context.params.runId ?? "";
  const r = t(locale).run;
  if (!/^[A-Za-z0-9:_.-]{1,200}$/.test(runId)) return failed(context, 404, "not_found", r.notFound, { next });
  try {
    await generation().cancel(runId, { actorId: session.userId, isEditor: false });
    return done(context, { next: paths.run(locale, runId), message: r.cancelled, data: { runId, cancelled: true } });
  } catch (error) {
    if (error instanceof Forbidden) return failed(context, 403, "forbidden", r.forbidden, { next });
    if (error instanceof RunNotFound) return failed(context, 404, "not_found", r.notFound, { next });
    failedWith(error);
    return failed(context, 503, "generation_unavailable", r.unavailable, { next });
  }
};
