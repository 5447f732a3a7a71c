import type { PageMix } from "./mix.ts";

/**
 * The pages to load, from the demo content: the newest English article (the page every single-page case asks for),
 * a few more articles, a tag of the first, and a search for a word of its title.
 */
export async function findPages(cmsUrl: string, token: string, communityUrl: string): Promise<PageMix> {
  const listed = await fetch(`${cmsUrl}/api/articles?locale=en&sort=publishedAt:desc&pagination[pageSize]=5`, {
    headers: { authorization: `Bearer ${token}` },
  }).then((r) => r.json() as Promise<{ data: { slug: string; title: string }[] }>);
  const [first] = listed.data;
  if (!first) throw new Error("no published article to benchmark");
  const articles = listed.data.map((article) => `/en/a/${article.slug}`);
  const html = await fetch(`${communityUrl}${articles[0]}`).then((r) => r.text());
  const tag = /<a href="(\/en\/tags\/[^"]+)" rel="tag">/.exec(html)?.[1];
  if (!tag) throw new Error(`${articles[0]} links to no tag page`);
  const word = first.title.split(/[^\p{L}\p{N}]+/u).find((part) => part.length >= 4) ?? first.title;
  return { home: "/en/", articles, tag, search: `/en/search?q=${encodeURIComponent(word.toLowerCase())}` };
}
