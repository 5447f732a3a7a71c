import type { StudioArticle } from "@inkstone/config";
import type { APIContext } from "astro";
import { CmsError } from "../cms/errors.ts";
import { type StudioTarget, submitMyArticle, withdrawMyArticle } from "../cms/studio.ts";
import { cmsFailed, done, failed, memberRequest } from "../endpoint.ts";
import { t } from "../i18n/index.ts";
import { studioPaths, studioTarget } from "./paths.ts";

/** The review actions the studio posts (a form, or JSON for scripts): submit a draft, withdraw a submission. */
export type ReviewAction = "submit" | "withdraw";

const CALLS: Record<ReviewAction, (jwt: string, target: StudioTarget) => Promise<StudioArticle>> = {
  submit: submitMyArticle,
  withdraw: withdrawMyArticle,
};

/**
 * POST /api/studio/articles/:articleLocale/:documentId/(submit|withdraw) {next} — the member's own article only: the
 * CMS answers 404 for anyone else's, as for one that does not exist, and 409 from a state the action does not leave.
 * Back to `next` (the editor) with a message.
 */
export async function reviewAction(context: APIContext, action: ReviewAction): Promise<Response> {
  const target = studioTarget(context.params);
  const fallback = target ? studioPaths.article("zh-CN", target) : "/zh-CN/studio";
  const opened = await memberRequest(context, fallback);
  if (opened instanceof Response) return opened;
  const { next, locale, session } = opened;
  const s = t(locale);
  if (!target) return failed(context, 404, "not_found", s.errors.notFoundBody, { next: studioPaths.home(locale) });
  try {
    const article = await CALLS[action](session.jwt, target);
    const message = action === "submit" ? s.studio.editor.submitted : s.studio.editor.withdrawn;
    return done(context, { next, message, data: article });
  } catch (error) {
    if (error instanceof CmsError && error.status === 404)
      return failed(context, 404, "not_found", s.errors.notFoundBody, { next: studioPaths.home(locale) });
    if (error instanceof CmsError && error.status === 409)
      return failed(context, 409, error.reason ?? "wrong_state", s.studio.editor.wrongState, { next });
    return cmsFailed(context, error, { next });
  }
}
