import type { APIRoute } from "astro";
import { cacheTags } from "../../lib/cache/page-cache.ts";
import { listArticles } from "../../lib/cms/public.ts";
import { asLocale, paths, t } from "../../lib/i18n/index.ts";
import { absolute } from "../../lib/page.ts";
import { articleDescription } from "../../lib/seo.ts";
import { xml } from "../../lib/xml.ts";

/** The 20 latest articles of one language as RSS 2.0. */
export const GET: APIRoute = async ({ params, locals }) => {
  const locale = asLocale(params.locale);
  if (!locale) return new Response(null, { status: 404 });
  const { articles } = await listArticles({ locale, sort: "latest", pageSize: 20 });
  locals.cache = { tags: [cacheTags.lists(locale)] };
  const s = t(locale);
  const items = articles.map((article) => {
    const link = absolute(paths.article(locale, article.slug));
    return `    <item>
      <title>${xml(article.title)}</title>
      <link>${xml(link)}</link>
      <guid isPermaLink="true">${xml(link)}</guid>
      <pubDate>${new Date(article.publishedAt).toUTCString()}</pubDate>
      ${article.author ? `<dc:creator>${xml(article.author.displayName)}</dc:creator>` : ""}
      ${article.tags.map((tag) => `<category>${xml(tag.name)}</category>`).join("")}
      <description>${xml(articleDescription({ summary: article.summary, body: "" }))}</description>
    </item>`;
  });
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>${xml(locale === "en" ? "Inkstone" : "墨石 Inkstone")}</title>
    <link>${xml(absolute(paths.home(locale)))}</link>
    <atom:link href="${xml(absolute(paths.rss(locale)))}" rel="self" type="application/rss+xml"/>
    <description>${xml(s.tagline)}</description>
    <language>${locale}</language>
${items.join("\n")}
  </channel>
</rss>
`;
  return new Response(body, { headers: { "content-type": "application/rss+xml; charset=utf-8" } });
};
