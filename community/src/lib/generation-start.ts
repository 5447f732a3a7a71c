import type { Locale } from "@inkstone/config";
import type { APIContext } from "astro";
import type { Session } from "./auth/session.ts";
import { clientIp, cmsFailed, done, failed, tooMany, unverifiedFirst } from "./endpoint.ts";
import { env } from "./env.ts";
import { generation, InvalidRequest, QuotaExceeded } from "./generation.ts";
import type { GenerationRequest } from "./generation-form.ts";
import { paths, t } from "./i18n/index.ts";
import { personalState } from "./personal.ts";
import { failedWith } from "./request-context.ts";
import { limit } from "./security/limits.ts";

/** Where a refused start goes back to: the page, the form's name and what was typed (kept on a 503). */
export type StartBack = { next: string; locale: Locale; form?: string; values?: Record<string, string> };

/**
 * Starts `request` as `session`'s run, by the rules every start follows (a new run from /write and a retry alike): a
 * confirmed address first, then the generation rate limit, then the creator's quota of runs queued or running.
 * Answers with the run page (303, or JSON `{ runId }`) and `message`; refusals as 403, 429, 400 or 503.
 */
export async function startRun(
  context: APIContext,
  session: Session,
  request: GenerationRequest,
  message: string,
  back: StartBack,
): Promise<Response> {
  const { next, locale } = back;
  const keep = { next, ...(back.form ? { form: back.form } : {}), ...(back.values ? { values: back.values } : {}) };
  // Runs start here, not in the CMS: the community asks the member's state whether their address must be confirmed
  // first, as the CMS's own routes do for comments and questions.
  try {
    if ((await personalState(session)).unconfirmed) return unverifiedFirst(context, keep);
  } catch (error) {
    return cmsFailed(context, error, keep);
  }
  // Charged once the request is valid: fixing a typo costs nothing, starting runs does.
  const verdict = await limit("generation", clientIp(context), session.userId);
  if (!verdict.ok) return tooMany(context, verdict, locale);
  try {
    const runId = await generation().start(
      { ...request, creatorId: session.userId },
      { quota: env().GENERATION_QUOTA, requestId: context.locals.requestId },
    );
    return done(context, { next: paths.run(locale, runId), message, data: { runId } });
  } catch (error) {
    if (error instanceof QuotaExceeded) return tooMany(context, { ok: false, retryAfterSeconds: 60 }, locale);
    if (error instanceof InvalidRequest) return failed(context, 400, "invalid", (error as Error).message, keep);
    // Temporal unreachable: nothing was started, and the form keeps what was typed.
    failedWith(error);
    return failed(context, 503, "generation_unavailable", t(locale).write.unavailable, keep);
  }
}
