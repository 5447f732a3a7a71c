import type { DefaultTheme, LocaleSpecificConfig } from "vitepress";

/** English, under /en/: the same structure as the default locale. */
export function en(communityUrl: string): LocaleSpecificConfig<DefaultTheme.Config> {
  return {
    description: "Inkstone: an open platform for AI-assisted writing, with a community.",
    themeConfig: {
      nav: [
        { text: "Get started", link: "/en/guide/getting-started" },
        { text: "Community", link: communityUrl },
      ],
      sidebar: [{ text: "Guide", items: [{ text: "Getting started", link: "/en/guide/getting-started" }] }],
    },
  };
}
