import type { MarkdownRenderer } from "vitepress";

/** Written in a page as `community:/path`; the build resolves it against COMMUNITY_URL. */
const SCHEME = "community:";

/**
 * The community's pages live under a locale (`/en/write`, `/zh-CN/write`): a link to one goes to the docs page's
 * language. Its root, `/`, sends each reader to their own language, so it stays as it is.
 */
const resolve = (link: string, communityUrl: string, relativePath = "") => {
  const path = link.slice(SCHEME.length);
  if (path === "/" || path === "") return `${communityUrl}/`;
  return `${communityUrl}/${communityLocaleOf(relativePath)}${path}`;
};

/** The community locale of a docs page (`en/guide/creators.md` → en; the root, Chinese, → zh-CN). */
function communityLocaleOf(relativePath: string): string {
  return relativePath.startsWith("en/") ? "en" : "zh-CN";
}

type Linked = { link?: unknown };

/** Points the home page's `community:` hero actions and feature cards at the community, wherever it is served. */
export function resolveCommunityLinks(
  frontmatter: Record<string, unknown>,
  communityUrl: string,
  relativePath: string,
): void {
  const hero = frontmatter.hero as { actions?: Linked[] } | undefined;
  const features = Array.isArray(frontmatter.features) ? (frontmatter.features as Linked[]) : [];
  for (const item of [...(hero?.actions ?? []), ...features]) {
    if (typeof item.link === "string" && item.link.startsWith(SCHEME))
      item.link = resolve(item.link, communityUrl, relativePath);
  }
}

/**
 * Resolves Markdown links written `[text](community:/path)`. They open in the same tab, like the nav's link: the
 * community is the rest of the product, not a third-party site.
 */
export function communityLinks(md: MarkdownRenderer, communityUrl: string): void {
  md.core.ruler.push("community_links", (state) => {
    for (const block of state.tokens) {
      for (const token of block.children ?? []) {
        const href = token.type === "link_open" ? token.attrGet("href") : null;
        if (!href?.startsWith(SCHEME)) continue;
        token.attrSet("href", resolve(href, communityUrl, (state.env as { relativePath?: string }).relativePath));
        token.attrSet("target", "_self");
      }
    }
  });
}
