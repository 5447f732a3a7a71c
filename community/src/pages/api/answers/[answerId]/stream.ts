import { isDocumentId } from "@inkstone/config";
import type { APIRoute } from "astro";
import { type Cursor, isFinalStatus, parseCursor, START } from "../../../../lib/ask/events.ts";
import { answerStream, endedStream } from "../../../../lib/ask/stream.ts";
import { myConversation } from "../../../../lib/cms/conversations.ts";
import { CmsError, errorBody } from "../../../../lib/cms/errors.ts";
import { generation } from "../../../../lib/generation.ts";
import { asLocale, t } from "../../../../lib/i18n/index.ts";

const refuse = (status: number, code: string, message: string) =>
  Response.json(errorBody(code, message), { status, headers: { "cache-control": "private, no-store" } });

/**
 * GET /api/answers/:answerId/stream?conversation=<id>[&after=<attempt.seq>][&locale=en|zh-CN] — the answer as
 * server-sent events (src/lib/ask/stream.ts), for the member whose conversation holds it: the conversation is read
 * from the CMS as the member, so anyone else's (or a wrong pair of ids) is a 404. Last-Event-ID (a reconnecting
 * browser's) or `after` (the page's: the text it already shows) says where to go on from. An answer that is over
 * is just its `end`.
 */
export const GET: APIRoute = async (context) => {
  const { params, url, request } = context;
  const locale = asLocale(url.searchParams.get("locale") ?? undefined) ?? context.locals.locale;
  const a = t(locale).ask;
  const session = context.locals.session;
  if (!session) return refuse(401, "unauthorized", t(locale).auth.signInFirst);
  const answerId = params.answerId ?? "";
  if (!isDocumentId(answerId)) return refuse(404, "not_found", a.answerNotFound);
  const conversationId = url.searchParams.get("conversation") ?? "";
  if (!isDocumentId(conversationId))
    return refuse(400, "invalid", "Say which conversation the answer is in: ?conversation=<its document id>.");
  const given = request.headers.get("last-event-id") ?? url.searchParams.get("after");
  let cursor: Cursor = START;
  if (given) {
    const parsed = parseCursor(given);
    if (!parsed)
      return refuse(400, "invalid", "Last-Event-ID (or `after`) must be an event id of this stream: attempt.seq.");
    cursor = parsed;
  }

  const readAnswer = async () => {
    try {
      const conversation = await myConversation(session.jwt, conversationId);
      return conversation.messages.find((m) => m.documentId === answerId && m.role === "answer") ?? null;
    } catch (error) {
      if (error instanceof CmsError && error.code === "not_found") return null;
      throw error;
    }
  };
  // A CMS that is down, or a session it no longer honours, is the errors middleware's to answer (503, 401).
  const answer = await readAnswer();
  if (!answer) return refuse(404, "not_found", a.answerNotFound);
  if (isFinalStatus(answer.status)) return endedStream(answer, locale);
  return answerStream({
    answerId,
    locale,
    cursor,
    readAnswer,
    answerState: () => generation().answerState(answerId),
  });
};
