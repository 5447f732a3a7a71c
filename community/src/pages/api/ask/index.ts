import type { APIRoute } from "astro";
import { checkQuestion, questionRefused, queueAnswer } from "../../../lib/ask/questions.ts";
import { startConversation } from "../../../lib/cms/conversations.ts";
import { clientIp, cmsFailed, done, failed, memberRequest, tooMany } from "../../../lib/endpoint.ts";
import { asLocale, paths, t } from "../../../lib/i18n/index.ts";
import { limit } from "../../../lib/security/limits.ts";

/**
 * POST /api/ask {question, locale?, next} — a new conversation: its question is saved in the CMS with an answer to
 * write, and the answer is queued (a slot of the generation worker, like a run). 303 to the conversation's page.
 */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, "/zh-CN/ask");
  if (opened instanceof Response) return opened;
  const { form, next, locale: pageLocale, session } = opened;
  const a = t(pageLocale).ask;
  const locale = asLocale(form.get("locale")) ?? pageLocale;
  const back = { next, form: "ask" };
  const question = checkQuestion(form, pageLocale);
  if (!question.ok)
    return failed(context, 400, "invalid", a.errors.fix, {
      ...back,
      fields: { question: question.message },
      values: { question: form.get("question") },
    });
  // Charged once the question is valid: fixing a typo costs nothing, asking does.
  const verdict = await limit("ask", clientIp(context), session.userId);
  if (!verdict.ok) return tooMany(context, verdict, pageLocale);

  const typed = { ...back, values: { question: question.value } };
  let created: Awaited<ReturnType<typeof startConversation>>;
  try {
    created = await startConversation(session.jwt, { question: question.value, locale });
  } catch (error) {
    const refused = questionRefused(error, pageLocale, { first: true });
    if (refused) return failed(context, 409, "conflict", refused, typed);
    return cmsFailed(context, error, typed);
  }
  const conversationId = created.conversation.documentId;
  const answerId = created.answer.documentId;
  const refused = await queueAnswer(
    context,
    session,
    { conversationId, answerId, question: question.value, locale, history: [] },
    { ...back, pageLocale },
  );
  if (refused) return refused;
  return done(context, {
    next: `${paths.conversation(pageLocale, conversationId)}#answer-${answerId}`,
    message: a.asked,
    data: { conversationId, questionId: created.question.documentId, answerId },
  });
};
