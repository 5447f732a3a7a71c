import type { Locale } from "@inkstone/config";
import type { APIContext } from "astro";
import type { Session } from "../auth/session.ts";
import { type Message, QUESTION_MAX, TITLE_MAX, withdrawQuestion } from "../cms/conversations.ts";
import { CmsError } from "../cms/errors.ts";
import { type Form, failed } from "../endpoint.ts";
import { env } from "../env.ts";
import { generation, QuotaExceeded } from "../generation.ts";
import { t } from "../i18n/index.ts";
import { failedWith, requestLog } from "../request-context.ts";

/** What the ask endpoints share: checking what was typed, and queueing an answer (or taking the question back). */

/** Text as the CMS keeps it: Windows line breaks made plain, trimmed. */
const typed = (value: string) => value.replace(/\r\n?/g, "\n").trim();

export type Checked = { ok: true; value: string } | { ok: false; message: string };

/** The form's question (control characters were refused when the form was read), or why it cannot be sent. */
export function checkQuestion(form: Form, locale: Locale): Checked {
  const e = t(locale).ask.errors;
  const question = typed(form.get("question"));
  if (!question) return { ok: false, message: e.question };
  if (question.length > QUESTION_MAX) return { ok: false, message: e.questionTooLong(question.length) };
  return { ok: true, value: question };
}

/** The form's new title, or why it cannot be saved. */
export function checkTitle(form: Form, locale: Locale): Checked {
  const e = t(locale).ask.errors;
  const title = typed(form.get("title")).replace(/\s+/g, " ");
  if (!title) return { ok: false, message: e.title };
  if (title.length > TITLE_MAX) return { ok: false, message: e.titleTooLong };
  return { ok: true, value: title };
}

/** The turns before a new question, as the answer's workflow takes them (it keeps the latest few, each cut short). */
export function historyOf(messages: readonly Message[]): { role: "question" | "answer"; text: string }[] {
  return messages.filter((m) => m.text.trim()).map((m) => ({ role: m.role, text: m.text }));
}

export type Turn = {
  conversationId: string;
  answerId: string;
  question: string;
  locale: Locale;
  history: { role: "question" | "answer"; text: string }[];
};

/**
 * Queues the answer to a question just saved. When it cannot be (over the member's quota, or Temporal down), the
 * question is taken back from the CMS — nothing is left waiting for an answer that will never come — and the refusal
 * goes back to the form with what was typed: 429 with Retry-After, or 503 with Retry-After. Undefined once queued.
 */
export async function queueAnswer(
  context: APIContext,
  session: Session,
  turn: Turn,
  back: { next: string; form: string; pageLocale: Locale },
): Promise<Response | undefined> {
  try {
    await generation().startAnswer(
      {
        answerId: turn.answerId,
        conversationId: turn.conversationId,
        memberId: session.userId,
        locale: turn.locale,
        question: turn.question,
        history: turn.history,
        ...(context.locals.requestId ? { requestId: context.locals.requestId } : {}),
      },
      { quota: env().ASK_QUOTA },
    );
    return undefined;
  } catch (error) {
    await withdrawQuestion(session.jwt, turn.conversationId, turn.answerId).catch((cause: unknown) => {
      // Left queued in the CMS: the conversation shows it as waiting, and the member can delete it.
      requestLog().warn(
        { err: cause, answerId: turn.answerId },
        "could not take back a question whose answer was not queued",
      );
      return undefined;
    });
    const a = t(back.pageLocale).ask;
    const kept = { next: back.next, form: back.form, values: { question: turn.question } };
    if (error instanceof QuotaExceeded) {
      const response = failed(context, 429, "quota_exceeded", a.quota(error.quota), {
        ...kept,
        fields: { question: a.quota(error.quota) },
      });
      response.headers.set("retry-after", "30");
      return response;
    }
    failedWith(error);
    return failed(context, 503, "ask_unavailable", a.unavailable, kept);
  }
}

/** A CMS refusal of a new question, in the member's language where the CMS only says it in English. */
export function questionRefused(error: unknown, locale: Locale, { first }: { first: boolean }): string | undefined {
  if (!(error instanceof CmsError) || error.code !== "conflict") return undefined;
  const a = t(locale).ask;
  if (first) return a.full;
  return /still being written/i.test(error.message) ? a.busy : a.conversationFull;
}
