import type { APIRoute } from "astro";
import { openLinkForm } from "../../../lib/account.ts";
import { refusalCode, UNSUBSCRIBE_TOKEN, unsubscribe } from "../../../lib/cms/account.ts";
import { clientIp, cmsFailed, done, failed } from "../../../lib/endpoint.ts";
import { paths } from "../../../lib/i18n/index.ts";
import { announce } from "../../../lib/store/replica.ts";

/**
 * POST /api/account/unsubscribe {token, next} — the button on the page an e-mail's unsubscribe link opens: stops
 * that kind of mail (or all of it) for the member the signed token names. No session needed: the token is the
 * authority. (Mail providers' one-click unsubscribe posts to /api/mail/unsubscribe instead.)
 */
export const POST: APIRoute = async (context) => {
  const opened = await openLinkForm(context, "unsubscribe");
  if (opened instanceof Response) return opened;
  const { locale, a, token } = opened;
  const broken = () => failed(context, 400, "link_invalid", a.unsubscribeBroken, { next: paths.unsubscribe(locale) });
  if (!UNSUBSCRIBE_TOKEN.test(token)) return broken();
  try {
    const { category, email } = await unsubscribe(token, clientIp(context));
    const session = context.locals.session;
    if (session) await announce({ kind: "member", userId: session.userId });
    return done(context, {
      next: paths.unsubscribe(locale),
      message: a.unsubscribed(a.categoryNames[category], email ?? ""),
      data: { category, email },
    });
  } catch (error) {
    if (refusalCode(error) === "link_invalid") return broken();
    return cmsFailed(context, error, { next: paths.unsubscribe(locale, token) });
  }
};
