import type { APIRoute } from "astro";
import { accountFailed } from "../../../lib/account.ts";
import { dropSessionCookie, sessionsEnded } from "../../../lib/auth/session.ts";
import { authorChanged } from "../../../lib/changes.ts";
import { deleteMyAccount } from "../../../lib/cms/account.ts";
import { done, failed, memberRequest } from "../../../lib/endpoint.ts";
import { paths, t } from "../../../lib/i18n/index.ts";

/**
 * POST /api/account/delete {password, comments: keep|remove, next} — deletes the signed-in member's account, given
 * their password. The CMS deletes their sessions and personal data and, once that is committed, tells the community
 * by its webhook (their runs and answers are cancelled there); here the cookie goes, every replica forgets their
 * sessions and the pages showing them, and the front page says goodbye.
 */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, "/zh-CN/settings", "accountPassword");
  if (opened instanceof Response) return opened;
  const { form, next, locale, session } = opened;
  const a = t(locale).account;
  const back = { next: `${next.split("#")[0]}#delete`, form: "delete", values: { comments: form.get("comments") } };
  const password = form.get("password");
  const comments = form.get("comments");
  const fields: Record<string, string> = {};
  if (!password) fields.password = t(locale).auth.errors.required;
  if (comments !== "keep" && comments !== "remove") fields.comments = a.errors.comments;
  if (Object.keys(fields).length || (comments !== "keep" && comments !== "remove"))
    return failed(context, 400, "invalid", a.errors.fix, { ...back, fields });
  try {
    const deleted = await deleteMyAccount(session.jwt, { password: password.slice(0, 200), comments });
    dropSessionCookie(context.cookies);
    context.locals.session = null;
    await sessionsEnded(session.userId);
    // Their page, bylines and comments now show a deleted member (or no comment): every page showing them is dropped.
    await authorChanged(session.handle);
    return done(context, { next: paths.home(locale), message: a.deleted, data: deleted });
  } catch (error) {
    return accountFailed(context, error, { ...back, locale, passwordField: "password" });
  }
};
