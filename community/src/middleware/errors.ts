import type { MiddlewareHandler } from "astro";
import { CmsError } from "../lib/cms/errors.ts";
import { localeOfPath, t } from "../lib/i18n/index.ts";
import { failedWith } from "../lib/request-context.ts";
import { refusal } from "../lib/responses.ts";

/**
 * The CMS being down is temporary and not our bug: pages that needed it answer 503 with Retry-After and a plain
 * message in the page's language (the page cache, outside this, serves the last good version instead when it has
 * one). Anything else goes on to the 500 page.
 */
export const errorsMiddleware: MiddlewareHandler = async (context, next) => {
  try {
    return await next();
  } catch (error) {
    if (!(error instanceof CmsError) || error.code !== "cms_unavailable") throw error;
    failedWith(error);
    const locale = localeOfPath(context.url.pathname);
    return refusal(context.request, 503, "cms_unavailable", t(locale).errors.cmsDown, { "retry-after": "30" }, locale);
  }
};
