import { isDocumentId } from "@inkstone/config";
import type { APIRoute } from "astro";
import { isFinalStatus } from "../../../../lib/ask/events.ts";
import { deleteConversation, myConversation } from "../../../../lib/cms/conversations.ts";
import { CmsError } from "../../../../lib/cms/errors.ts";
import { cmsFailed, done, failed, memberRequest } from "../../../../lib/endpoint.ts";
import { generation, RunNotFound } from "../../../../lib/generation.ts";
import { paths, t } from "../../../../lib/i18n/index.ts";
import { failedWith, requestLog } from "../../../../lib/request-context.ts";

/** Stops answers of the member; one that is already over (or was never queued) needs nothing. */
async function cancelAll(answerIds: readonly string[], memberId: string): Promise<void> {
  await Promise.all(
    answerIds.map((answerId) =>
      generation()
        .cancelAnswer(answerId, memberId)
        .catch((error: unknown) => {
          if (!(error instanceof RunNotFound)) throw error;
        }),
    ),
  );
}

/**
 * POST /api/ask/:id/delete {next} — the member deletes their conversation :id with all its messages (anyone else's
 * is a 404). Answers still queued or being written are stopped first: when that cannot be done (Temporal down),
 * nothing is deleted and the member is asked to try again.
 */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, "/zh-CN/ask");
  if (opened instanceof Response) return opened;
  const { next, locale, session } = opened;
  const a = t(locale).ask;
  const id = context.params.id ?? "";
  const list = paths.ask(locale);
  if (!isDocumentId(id)) return failed(context, 404, "not_found", a.notFound, { next: list });
  // Back to where the member was, unless that was the conversation itself.
  const after = next.includes(id) ? list : next;
  try {
    const conversation = await myConversation(session.jwt, id);
    const pending = conversation.messages.filter((m) => m.role === "answer" && !isFinalStatus(m.status));
    try {
      await cancelAll(
        pending.map((m) => m.documentId),
        session.userId,
      );
    } catch (error) {
      failedWith(error);
      return failed(context, 503, "ask_unavailable", a.cancelUnavailable, { next });
    }
    const deleted = await deleteConversation(session.jwt, id);
    // One asked between the two reads: stopped too, or left to fail saving into a conversation that is gone.
    const late = deleted.pendingAnswers.filter((answerId) => !pending.some((m) => m.documentId === answerId));
    await cancelAll(late, session.userId).catch((error: unknown) =>
      requestLog().warn({ err: error, answers: late }, "could not stop the answers of a deleted conversation"),
    );
    return done(context, {
      next: after,
      message: a.deleted,
      data: { documentId: id, cancelled: deleted.pendingAnswers },
    });
  } catch (error) {
    if (error instanceof CmsError && error.code === "not_found")
      return failed(context, 404, "not_found", a.notFound, { next: list });
    return cmsFailed(context, error, { next });
  }
};
