import type { APIRoute } from "astro";
import { exportMyData } from "../../../lib/cms/account.ts";
import { cmsFailed, signInFirst } from "../../../lib/endpoint.ts";
import { paths } from "../../../lib/i18n/index.ts";

/** Headers of the CMS's archive passed on as they are; anything else of its answer stays between the servers. */
const PASSED_ON = ["content-type", "content-disposition", "content-length", "last-modified"];

/**
 * GET /api/account/export — the signed-in member's archive (a zip the CMS builds: profile, articles and drafts as
 * Markdown, comments, likes, bookmarks, follows, conversations), streamed through as the CMS sends it, with its
 * file name. Never cached. Signed out: to sign in, and back to Settings.
 */
export const GET: APIRoute = async (context) => {
  const locale = context.locals.locale;
  const session = context.locals.session;
  if (!session) return signInFirst(context, `${paths.settings(locale)}#export`);
  try {
    const archive = await exportMyData(session.jwt);
    const headers = new Headers({ "cache-control": "private, no-store", "x-content-type-options": "nosniff" });
    // fetch has undone any Content-Encoding, so the length it came with would be the encoded one.
    const decoded = archive.headers.has("content-encoding");
    for (const name of PASSED_ON) {
      if (decoded && name === "content-length") continue;
      const value = archive.headers.get(name);
      if (value) headers.set(name, value);
    }
    if (!headers.has("content-disposition")) headers.set("content-disposition", 'attachment; filename="inkstone.zip"');
    return new Response(archive.body, { status: 200, headers });
  } catch (error) {
    return cmsFailed(context, error, { next: `${paths.settings(locale)}#export` });
  }
};
