import { isDocumentId } from "@inkstone/config";
import type { APIRoute } from "astro";
import { likesChanged } from "../../lib/changes.ts";
import { setReaction } from "../../lib/cms/member.ts";
import { cmsFailed, done, failed, memberRequest } from "../../lib/endpoint.ts";
import { t } from "../../lib/i18n/index.ts";

/** POST /api/reactions {article, kind: like|bookmark, active: true|false, next} — idempotent on or off. */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, "/zh-CN/", "reaction");
  if (opened instanceof Response) return opened;
  const { form, next, locale, session } = opened;
  const article = form.get("article");
  const kind = form.get("kind");
  const active = form.get("active");
  if (!isDocumentId(article) || (kind !== "like" && kind !== "bookmark") || !["true", "false"].includes(active))
    return failed(
      context,
      400,
      "invalid",
      "Expected an article id, a kind (like or bookmark) and active (true or false).",
      { next },
    );
  try {
    const result = await setReaction(session.jwt, { article, kind, active: active === "true" });
    if (kind === "like") await likesChanged(article);
    const said = t(locale).article.done;
    const message =
      kind === "like" ? (result.active ? said.like : said.unlike) : result.active ? said.bookmark : said.unbookmark;
    return done(context, { next, message, data: result });
  } catch (error) {
    return cmsFailed(context, error, { next });
  }
};
