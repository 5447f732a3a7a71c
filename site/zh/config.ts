import type { DefaultTheme, LocaleSpecificConfig } from "vitepress";

/** Simplified Chinese, the default locale, served at the site root (`zh/` is rewritten to `/`). */
export function zh(communityUrl: string): LocaleSpecificConfig<DefaultTheme.Config> {
  return {
    title: "墨石 Inkstone",
    description: "墨石：开放的 AI 辅助写作平台与社区。",
    themeConfig: {
      nav: [
        { text: "指南", link: "/guide/getting-started", activeMatch: "^/guide/" },
        {
          text: "参考",
          activeMatch: "^/reference/",
          items: [
            { text: "配置参考", link: "/reference/configuration" },
            { text: "社区 API", link: "/reference/community-api" },
          ],
        },
        { text: "常见问题", link: "/faq" },
        { text: "社区", link: communityUrl, target: "_self" },
      ],
      sidebar: [
        {
          text: "入门",
          items: [
            { text: "快速开始", link: "/guide/getting-started" },
            { text: "架构", link: "/guide/architecture" },
          ],
        },
        {
          text: "使用指南",
          items: [
            { text: "创作者指南", link: "/guide/creators" },
            { text: "编辑指南", link: "/guide/editors" },
            { text: "社区成员指南", link: "/guide/members" },
          ],
        },
        {
          text: "运维",
          items: [
            { text: "部署", link: "/guide/deployment" },
            { text: "配置参考", link: "/reference/configuration" },
          ],
        },
        {
          text: "参考",
          items: [
            { text: "社区 API", link: "/reference/community-api" },
            { text: "常见问题", link: "/faq" },
          ],
        },
      ],
      outline: { label: "本页目录" },
      docFooter: { prev: "上一页", next: "下一页" },
      notFound: { title: "页面未找到", quote: "这一页不存在，或已经移走。", linkText: "回到首页" },
      langMenuLabel: "切换语言",
      returnToTopLabel: "回到顶部",
      sidebarMenuLabel: "菜单",
      darkModeSwitchLabel: "外观",
      lightModeSwitchTitle: "切换到浅色模式",
      darkModeSwitchTitle: "切换到深色模式",
      skipToContentLabel: "跳到正文",
    },
  };
}

/** The local search box's own words in Chinese (the index itself is per locale). */
export const zhSearch: DefaultTheme.LocalSearchOptions["translations"] = {
  button: { buttonText: "搜索", buttonAriaLabel: "搜索文档" },
  modal: {
    displayDetails: "显示详情",
    resetButtonTitle: "清除查询",
    backButtonTitle: "关闭搜索",
    noResultsText: "没有找到结果",
    footer: {
      selectText: "选择",
      selectKeyAriaLabel: "回车",
      navigateText: "切换",
      navigateUpKeyAriaLabel: "上方向键",
      navigateDownKeyAriaLabel: "下方向键",
      closeText: "关闭",
      closeKeyAriaLabel: "Esc",
    },
  },
};
