import type { APIRoute } from "astro";
import { paths } from "../lib/i18n/index.ts";

/** `/` sends readers to their language: English when they prefer it over Chinese, else zh-CN. */
export const GET: APIRoute = ({ request }) => {
  const accept = (request.headers.get("accept-language") ?? "").toLowerCase();
  const en = accept.search(/\ben\b|\ben-/);
  const zh = accept.search(/\bzh\b|\bzh-/);
  const locale = en !== -1 && (zh === -1 || en < zh) ? "en" : "zh-CN";
  return new Response(null, {
    status: 302,
    headers: {
      location: paths.home(locale),
      vary: "Accept-Language",
      "cache-control": "public, max-age=0, s-maxage=3600",
    },
  });
};
