import type { DefaultTheme, LocaleSpecificConfig } from "vitepress";

/** English, under /en/: the same structure as the default locale. */
export function en(communityUrl: string): LocaleSpecificConfig<DefaultTheme.Config> {
  return {
    title: "Inkstone",
    description: "Inkstone: an open platform for AI-assisted writing, with a community.",
    themeConfig: {
      nav: [
        { text: "Get started", link: "/en/guide/getting-started", activeMatch: "^/en/guide/" },
        { text: "Community", link: communityUrl, target: "_self" },
      ],
      sidebar: [{ text: "Guide", items: [{ text: "Getting started", link: "/en/guide/getting-started" }] }],
    },
  };
}
