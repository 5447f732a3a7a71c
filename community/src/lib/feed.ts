import type { Locale } from "@inkstone/config";
import type { ArticleSummary, Profile, Tag } from "./cms/schemas.ts";
import { paths, t } from "./i18n/index.ts";
import { absolute } from "./page.ts";
import { LOGO, modifiedAt } from "./seo.ts";
import { xml } from "./xml.ts";

/** RSS 2.0 feeds: the site's latest articles per language, and each author's and each tag's. One builder for all. */

/** A feed: what its channel says, the page it belongs to and its own address. */
export type FeedChannel = { locale: Locale; title: string; description: string; link: string; href: string };

/** Articles a feed lists, newest first. */
export const FEED_SIZE = 20;

export function siteFeed(locale: Locale): FeedChannel {
  const s = t(locale);
  return { locale, title: s.brand, description: s.tagline, link: paths.home(locale), href: paths.rss(locale) };
}

export function authorFeed(locale: Locale, profile: Pick<Profile, "handle" | "displayName" | "bio">): FeedChannel {
  const s = t(locale);
  return {
    locale,
    title: `${s.author.title(profile.displayName, profile.handle)} · ${s.brand}`,
    description: profile.bio || s.author.description(profile.displayName),
    link: paths.author(locale, profile.handle),
    href: paths.authorRss(locale, profile.handle),
  };
}

export function tagFeed(locale: Locale, tag: Pick<Tag, "slug" | "name" | "description">): FeedChannel {
  const s = t(locale);
  return {
    locale,
    title: `${s.tag.title(tag.name)} · ${s.brand}`,
    description: tag.description || s.tag.description(tag.name),
    link: paths.tag(locale, tag.slug),
    href: paths.tagRss(locale, tag.slug),
  };
}

function item(article: ArticleSummary): string {
  const link = absolute(paths.article(article.locale, article.slug));
  return `    <item>
      <title>${xml(article.title)}</title>
      <link>${xml(link)}</link>
      <guid isPermaLink="true">${xml(link)}</guid>
      <pubDate>${new Date(article.publishedAt).toUTCString()}</pubDate>
      ${article.author ? `<dc:creator>${xml(article.author.displayName)}</dc:creator>` : ""}
      ${article.tags.map((tag) => `<category>${xml(tag.name)}</category>`).join("")}
      <description>${xml(article.summary.trim())}</description>
    </item>`;
}

/**
 * `articles` as the channel's RSS 2.0 document. Its lastBuildDate is the latest change among them, so the same
 * articles give the same bytes (and ETag); an empty feed says now.
 */
export function rssResponse(channel: FeedChannel, articles: readonly ArticleSummary[]): Response {
  const changed = articles.reduce((latest, article) => Math.max(latest, Date.parse(modifiedAt(article))), 0);
  const link = xml(absolute(channel.link));
  const title = xml(channel.title);
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>${title}</title>
    <link>${link}</link>
    <atom:link href="${xml(absolute(channel.href))}" rel="self" type="application/rss+xml"/>
    <description>${xml(channel.description)}</description>
    <language>${channel.locale}</language>
    <lastBuildDate>${new Date(changed || Date.now()).toUTCString()}</lastBuildDate>
    <image>
      <url>${xml(absolute(LOGO.path))}</url>
      <title>${title}</title>
      <link>${link}</link>
      <width>144</width>
      <height>144</height>
    </image>
${articles.map(item).join("\n")}
  </channel>
</rss>
`;
  return new Response(body, { headers: { "content-type": "application/rss+xml; charset=utf-8" } });
}
