/** Written in a page's frontmatter as `community:/path`; the build resolves it against COMMUNITY_URL. */
const SCHEME = "community:";

type HeroAction = { link?: unknown };

/** Points the home hero's `community:` actions at the community, wherever this deployment serves it. */
export function resolveCommunityLinks(frontmatter: Record<string, unknown>, communityUrl: string): void {
  const hero = frontmatter.hero as { actions?: HeroAction[] } | undefined;
  for (const action of hero?.actions ?? []) {
    if (typeof action.link === "string" && action.link.startsWith(SCHEME)) {
      action.link = `${communityUrl}${action.link.slice(SCHEME.length)}`;
    }
  }
}
