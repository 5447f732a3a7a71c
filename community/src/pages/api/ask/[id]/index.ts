import { isDocumentId } from "@inkstone/config";
import type { APIRoute } from "astro";
import { checkQuestion, historyOf, questionRefused, queueAnswer } from "../../../../lib/ask/questions.ts";
import { askFollowUp, myConversation } from "../../../../lib/cms/conversations.ts";
import { CmsError } from "../../../../lib/cms/errors.ts";
import { clientIp, cmsFailed, done, failed, memberRequest, tooMany } from "../../../../lib/endpoint.ts";
import { paths, t } from "../../../../lib/i18n/index.ts";
import { limit } from "../../../../lib/security/limits.ts";

/**
 * POST /api/ask/:id {question, next} — a follow-up in the member's conversation :id (anyone else's is a 404): saved
 * with its answer to write, which is queued with the conversation so far. 409 while an answer in it is pending.
 */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, "/zh-CN/ask");
  if (opened instanceof Response) return opened;
  const { form, next, locale: pageLocale, session } = opened;
  const a = t(pageLocale).ask;
  const conversationId = context.params.id ?? "";
  if (!isDocumentId(conversationId))
    return failed(context, 404, "not_found", a.notFound, { next: paths.ask(pageLocale) });
  const back = { next, form: "follow-up" };
  const question = checkQuestion(form, pageLocale);
  if (!question.ok)
    return failed(context, 400, "invalid", a.errors.fix, {
      ...back,
      fields: { question: question.message },
      values: { question: form.get("question") },
    });
  const verdict = await limit("ask", clientIp(context), session.userId);
  if (!verdict.ok) return tooMany(context, verdict, pageLocale);

  const typed = { ...back, values: { question: question.value } };
  let turn: Awaited<ReturnType<typeof askFollowUp>>;
  let history: ReturnType<typeof historyOf>;
  let locale: Awaited<ReturnType<typeof myConversation>>["locale"];
  try {
    // The conversation so far (and whose it is: anyone else's is a 404 here already).
    const conversation = await myConversation(session.jwt, conversationId);
    history = historyOf(conversation.messages);
    locale = conversation.locale;
    turn = await askFollowUp(session.jwt, conversationId, question.value);
  } catch (error) {
    if (error instanceof CmsError && error.code === "not_found")
      return failed(context, 404, "not_found", a.notFound, { next: paths.ask(pageLocale) });
    const refused = questionRefused(error, pageLocale, { first: false });
    if (refused) return failed(context, 409, "conflict", refused, typed);
    return cmsFailed(context, error, typed);
  }
  const answerId = turn.answer.documentId;
  const refused = await queueAnswer(
    context,
    session,
    { conversationId, answerId, question: question.value, locale, history },
    { ...back, pageLocale },
  );
  if (refused) return refused;
  return done(context, {
    next: `${paths.conversation(pageLocale, conversationId)}#answer-${answerId}`,
    message: a.asked,
    data: { conversationId, questionId: turn.question.documentId, answerId },
  });
};
