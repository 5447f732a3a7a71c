import type { DefaultTheme, LocaleSpecificConfig } from "vitepress";

/** Simplified Chinese (the default locale, at the site root): navigation next to its content. */
export function zh(communityUrl: string): LocaleSpecificConfig<DefaultTheme.Config> {
  return {
    description: "墨石：开放的 AI 辅助写作平台与社区。",
    themeConfig: {
      nav: [
        { text: "快速开始", link: "/guide/getting-started" },
        { text: "社区", link: communityUrl },
      ],
      sidebar: [{ text: "指南", items: [{ text: "快速开始", link: "/guide/getting-started" }] }],
      outline: { label: "本页目录" },
      docFooter: { prev: "上一页", next: "下一页" },
      langMenuLabel: "切换语言",
      returnToTopLabel: "回到顶部",
      sidebarMenuLabel: "菜单",
      darkModeSwitchLabel: "外观",
    },
  };
}
