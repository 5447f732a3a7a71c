import type { DefaultTheme, LocaleSpecificConfig } from "vitepress";

/** English, under /en/: the same structure as the default locale. */
export function en(communityUrl: string): LocaleSpecificConfig<DefaultTheme.Config> {
  return {
    title: "Inkstone",
    description: "Inkstone: an open platform for AI-assisted writing, with a community.",
    themeConfig: {
      nav: [
        { text: "Guide", link: "/en/guide/getting-started", activeMatch: "^/en/guide/" },
        {
          text: "Reference",
          activeMatch: "^/en/reference/",
          items: [
            { text: "Configuration", link: "/en/reference/configuration" },
            { text: "Community API", link: "/en/reference/community-api" },
          ],
        },
        { text: "FAQ", link: "/en/faq" },
        { text: "Community", link: communityUrl, target: "_self" },
      ],
      sidebar: [
        {
          text: "Introduction",
          items: [
            { text: "Getting started", link: "/en/guide/getting-started" },
            { text: "Architecture", link: "/en/guide/architecture" },
          ],
        },
        {
          text: "Guides",
          items: [
            { text: "Creators", link: "/en/guide/creators" },
            { text: "Editors", link: "/en/guide/editors" },
            { text: "Members", link: "/en/guide/members" },
          ],
        },
        {
          text: "Operations",
          items: [
            { text: "Deployment", link: "/en/guide/deployment" },
            { text: "Configuration", link: "/en/reference/configuration" },
          ],
        },
        {
          text: "Reference",
          items: [
            { text: "Community API", link: "/en/reference/community-api" },
            { text: "FAQ", link: "/en/faq" },
          ],
        },
      ],
    },
  };
}
