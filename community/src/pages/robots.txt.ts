import type { APIRoute } from "astro";
import { absolute } from "../lib/page.ts";

/** Crawl everything public; members' pages, forms and the API are not for indexing. */
export const GET: APIRoute = ({ locals }) => {
  locals.cache = { tags: [] };
  const personal = ["following", "bookmarks", "notifications", "settings", "signin", "signup", "write", "search"];
  const lines = [
    "User-agent: *",
    "Allow: /",
    "Disallow: /api/",
    ...["zh-CN", "en"].flatMap((l) => personal.map((p) => `Disallow: /${l}/${p}`)),
    "",
    `Sitemap: ${absolute("/sitemap.xml")}`,
    "",
  ];
  return new Response(lines.join("\n"), { headers: { "content-type": "text/plain; charset=utf-8" } });
};
