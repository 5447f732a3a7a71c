import type { APIRoute } from "astro";
import { setReaction } from "../../lib/cms/member.ts";
import {
  badBody,
  clientIp,
  cmsFailed,
  done,
  failed,
  localeOfNext,
  readForm,
  safeNext,
  signInFirst,
  tooMany,
} from "../../lib/endpoint.ts";
import { t } from "../../lib/i18n/index.ts";
import { limit } from "../../lib/security/limits.ts";

/** POST /api/reactions {article, kind: like|bookmark, active: true|false, next} — idempotent on or off. */
export const POST: APIRoute = async (context) => {
  const form = await readForm(context.request);
  if (!("get" in form)) return badBody(context, form);
  const next = safeNext(form.get("next"), "/zh-CN/");
  const locale = localeOfNext(next);
  const session = context.locals.session;
  if (!session) return signInFirst(context, next);
  const verdict = limit("reaction", clientIp(context), session.userId);
  if (!verdict.ok) return tooMany(context, verdict, locale);
  const article = form.get("article");
  const kind = form.get("kind");
  const active = form.get("active");
  if (
    !/^[a-z0-9]{10,40}$/.test(article) ||
    (kind !== "like" && kind !== "bookmark") ||
    !["true", "false"].includes(active)
  )
    return failed(
      context,
      400,
      "invalid",
      "Expected an article id, a kind (like or bookmark) and active (true or false).",
      { next },
    );
  try {
    const result = await setReaction(session.jwt, { article, kind, active: active === "true" });
    const said = t(locale).article.done;
    const message =
      kind === "like" ? (result.active ? said.like : said.unlike) : result.active ? said.bookmark : said.unbookmark;
    return done(context, { next, message, data: result });
  } catch (error) {
    return cmsFailed(context, error, { next });
  }
};
