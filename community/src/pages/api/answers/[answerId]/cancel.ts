import { isDocumentId } from "@inkstone/config";
import type { APIRoute } from "astro";
import { done, failed, memberRequest } from "../../../../lib/endpoint.ts";
import { generation, RunNotFound } from "../../../../lib/generation.ts";
import { paths, t } from "../../../../lib/i18n/index.ts";
import { failedWith } from "../../../../lib/request-context.ts";

/**
 * POST /api/answers/:answerId/cancel {next} — the member stops their answer, queued (it never takes a slot) or being
 * written (the text so far is kept, marked stopped). Anyone else's answer is a 404, as one that does not exist.
 */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, "/zh-CN/ask");
  if (opened instanceof Response) return opened;
  const { next, locale, session } = opened;
  const a = t(locale).ask;
  const answerId = context.params.answerId ?? "";
  if (!isDocumentId(answerId)) return failed(context, 404, "not_found", a.answerNotFound, { next: paths.ask(locale) });
  try {
    await generation().cancelAnswer(answerId, session.userId);
    return done(context, { next, message: a.cancelled, data: { answerId, cancelled: true } });
  } catch (error) {
    if (error instanceof RunNotFound)
      return failed(context, 404, "not_found", a.answerNotFound, { next: paths.ask(locale) });
    failedWith(error);
    return failed(context, 503, "ask_unavailable", a.cancelUnavailable, { next });
  }
};
