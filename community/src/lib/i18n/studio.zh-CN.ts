import type { studioEn } from "./studio.en.ts";

/** 创作室的简体中文文字（创作室、草稿编辑器、预览页）；键与 studio.en.ts 一一对应。 */
export const studioZhCN: typeof studioEn = {
  nav: "创作室",
  title: "我的创作室",
  description: "你的生成任务和文章：编辑草稿、提交审核、查看编辑的决定。",

  runs: {
    heading: "我的生成任务",
    empty: "你还没有发起过生成任务。前往“写作”，填写主题和资料来源，生成的草稿会出现在这里。",
    startOne: "用 AI 写作",
    unavailable: "暂时无法列出你的生成任务：生成服务无法连接。下面是你的文章；请一分钟后再试。",
    submitted: (when: string) => `${when} 发起`,
    finished: (when: string) => `${when} 结束`,
    why: "失败原因：",
    open: "打开任务",
    retry: "重试",
    retryLabel: (topic: string) => `用相同的输入重试“${topic}”`,
    fromInputs: "用这些输入发起新任务",
    draft: "编辑它的草稿",
  },

  articles: {
    heading: "我的文章",
    empty: "还没有文章。生成任务完成后，草稿会出现在这里：编辑后提交给编辑审核。",
    updated: (when: string) => `${when} 修改`,
    submittedAt: (when: string) => `${when} 提交`,
    edit: "编辑",
    open: "打开",
    onSite: "在网站上阅读",
    note: "编辑的意见",
  },

  states: {
    draft: "草稿",
    submitted: "已提交审核",
    changes_requested: "需要修改",
    published: "已发布",
    declined: "未通过",
  },
  stateHelp: {
    draft: "只有你能看到。编辑完成后提交审核。",
    submitted: "等待编辑审核。如需再次编辑，请先撤回。",
    changes_requested: "编辑要求修改：修改后再次提交。",
    published: "已经上线。之后的修改由编辑处理。",
    declined: "编辑没有通过这篇文章，它不会被发布。",
  },

  editor: {
    title: (title: string) => `编辑：${title}`,
    description: "编辑你的草稿，预览发布后的样子，然后提交审核。",
    back: "返回创作室",
    fields: {
      title: "标题",
      summary: "摘要",
      summaryHint: "可选：标题下的一两句话，最多 1000 字。",
      body: "正文（Markdown）",
      bodyHint: "Markdown：## 标题、*强调*、列表、链接。引用来源时写 [1]、[2]……，即下方所列来源的编号。",
    },
    sources: "来源",
    sourcesHint:
      "“移除”会删除该来源及其引用，并给后面的引用重新编号，使每个 [n] 仍指向原来的来源。点击“保存草稿”之前，什么都不会保存。",
    noSources: "没有列出来源，所以正文不能引用任何来源。",
    remove: "移除",
    removeLabel: (n: number, title: string) => `移除来源 ${n}：${title}`,
    removed: (n: number) => `来源 ${n} 及其引用已移除，后面的引用已重新编号。尚未保存：点击“保存草稿”才会保留。`,
    preview: "预览",
    save: "保存草稿",
    submit: "提交审核",
    submitHint: "先保存表单中的内容，再交给编辑。",
    withdraw: "撤回审核",
    previewHeading: "预览",
    previewNote: "根据表单中的内容（尚未保存）显示发布后的样子。",
    previewRefused: "预览需要正文（最多 200000 字）、来源数量（0 到 50）和语言。",
    previewLive: "预览会随你的输入更新。",
    unsaved: "表单中有尚未保存的修改。",
    saved: "草稿已保存。",
    submitted: "已提交。编辑会审核它，审核结果会通知你。",
    withdrawn: "已撤回：它又是草稿了，你可以继续编辑。",
    readOnly: "这篇文章现在不能编辑。",
    stale:
      "你打开之后，这份草稿有了改动（在另一个标签页，或编辑修改过）。你输入的内容仍保留在表单里，已保存的版本显示在下面。再次点击“保存草稿”会用你的内容替换已保存的版本。",
    savedVersion: "已保存的版本",
    notEditable: {
      submitted: "它正在等待编辑审核，所以不能编辑。如需编辑，请先撤回。",
      published: "它已经发布：之后的修改由编辑处理。",
      declined: "编辑没有通过它，所以不能再编辑或提交。",
      draft: "它现在不能编辑。请重新加载页面。",
      changes_requested: "它现在不能编辑。请重新加载页面。",
    },
    wrongState: "它的审核状态刚刚变了。请重新加载页面查看。",
    unavailable: "内容服务暂时没有响应，什么都没有保存。你输入的内容仍在表单里：请稍后再试。",
    fix: "请修改下面标出的字段；什么都没有保存。",
    errors: {
      title: "请填写标题，最多 200 字。",
      summary: "最多 1000 字。",
      body: "文章需要正文，最多 200000 字。",
      sources: "来源需要标题和 http(s) 地址；最多 50 个来源。",
      version: "表单没有说明它编辑的是草稿的哪个版本。请重新加载页面，然后再修改。",
      citationNone: (n: number) => `[${n}] 引用了来源，但文章没有列出任何来源：请删除 [${n}]。`,
      citationOutside: (n: number, count: number) =>
        `[${n}] 没有对应的来源：文章列出了 ${count} 个（请引用 [1] 到 [${count}]）。`,
    },
  },

  preview: {
    title: (title: string) => `预览：${title}`,
    banner: "预览 · 未发布",
    bannerDetail: (until: string) => `这是草稿发布后的样子。其他人无法找到此页面；链接在 ${until} 之前有效。`,
    expiredTitle: "预览链接已过期",
    expiredBody: "预览链接的有效期为 30 分钟。请在 CMS 中再次打开预览（文章的“预览”按钮），获取新链接。",
  },
};
