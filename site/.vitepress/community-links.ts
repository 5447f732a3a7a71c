import type { MarkdownRenderer } from "vitepress";

/** Written in a page as `community:/path`; the build resolves it against COMMUNITY_URL. */
const SCHEME = "community:";

const resolve = (link: string, communityUrl: string) => `${communityUrl}${link.slice(SCHEME.length)}`;

type Linked = { link?: unknown };

/** Points the home page's `community:` hero actions and feature cards at the community, wherever it is served. */
export function resolveCommunityLinks(frontmatter: Record<string, unknown>, communityUrl: string): void {
  const hero = frontmatter.hero as { actions?: Linked[] } | undefined;
  const features = Array.isArray(frontmatter.features) ? (frontmatter.features as Linked[]) : [];
  for (const item of [...(hero?.actions ?? []), ...features]) {
    if (typeof item.link === "string" && item.link.startsWith(SCHEME)) item.link = resolve(item.link, communityUrl);
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
        token.attrSet("href", resolve(href, communityUrl));
        token.attrSet("target", "_self");
      }
    }
  });
}
