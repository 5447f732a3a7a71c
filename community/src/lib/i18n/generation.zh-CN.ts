import type {
  ProviderId,
  RunLogKey,
  RunLogParams,
  Stage,
  UnreadReason,
  UnreadSource,
  WritingProblem,
} from "@inkstone/workflows/client";
import type { GenerationStrings } from "./generation.en.ts";

/** 用中文读者的方式说时长：“0.4 秒”“12 秒”“3 分 5 秒”“1 小时 2 分”。 */
function duration(seconds: number): string {
  if (seconds < 10) return `${Math.max(0, seconds).toFixed(1)} 秒`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} 秒`;
  if (whole < 3600) return `${Math.floor(whole / 60)} 分 ${whole % 60} 秒`;
  return `${Math.floor(whole / 3600)} 小时 ${Math.floor((whole % 3600) / 60)} 分`;
}

const stages: Record<Stage, string> = {
  queued: "排队等候",
  resuming: "等待恢复",
  research: "检索资料",
  read: "读取来源",
  outline: "拟定大纲",
  write: "撰写章节",
  assemble: "整理引用",
  save: "保存草稿",
  done: "已完成",
  failed: "失败",
  cancelled: "已取消",
};

const providers: Record<ProviderId, string> = {
  creator: "你提供的网址",
  community: "社区文章",
  searxng: "网络搜索（SearXNG）",
  serper: "网络搜索（Serper）",
};

const problems: Record<WritingProblem, string> = {
  empty: "内容为空",
  language: "不是文章所用的语言",
  duplicate: "与其他章节重复",
  uncited: "没有引用任何已读取的来源",
  json: "不是可读的大纲",
};

const unread: Record<UnreadReason, (source: UnreadSource) => string> = {
  "private-address": () => "它指向私有网络地址，本站不读取此类地址",
  "forbidden-address": () => "它指向一个永不读取的地址（链路本地地址或保留地址）",
  scheme: () => "只能读取 http 和 https 网址",
  credentials: () => "不读取包含用户名或密码的网址",
  unresolvable: () => "主机名不存在（请检查拼写）",
  "http-status": (source) => `网站返回了错误（${source.status ?? "?"}）`,
  "not-readable": (source) => `这不是可以读取的网页（${source.type || "没有内容类型"}）`,
  "too-large": () => "页面太大，无法读取",
  timeout: () => "网站没有及时响应",
  redirects: () => "重定向次数太多",
  "too-little-text": () => "页面中可读的文字太少",
  network: () => "无法连接到该网站",
  unavailable: () => "暂时无法读取这篇文章",
};

const unreadText = (source: UnreadSource) =>
  `${(unread[source.reason] ?? unread.network)(source)}${source.target ? `（重定向到 ${source.target} 之后）` : ""}`;

const languages: Record<string, string> = { "zh-CN": "中文", en: "英文" };

const log: { [K in RunLogKey]: (params: RunLogParams[K]) => string } = {
  started: (p) => `在队列中等候 ${duration(p.seconds)}后开始。`,
  resumed: (p) => {
    const done = [
      p.research ? "检索资料" : "",
      p.sourcesRead !== undefined ? `读取了 ${p.sourcesRead} 个来源` : "",
      p.outline ? "拟定大纲" : "",
      p.written !== undefined && p.sections !== undefined ? `写完 ${p.sections} 个章节中的 ${p.written} 个` : "",
    ].filter(Boolean);
    return `等待 ${duration(p.seconds)}后恢复（第 ${p.attempt} 次尝试）；${
      done.length ? `已完成：${done.join("、")}。` : "此前没有完成任何步骤，从头开始。"
    }`;
  },
  retryLost: () => "负责这篇文章的工作进程没有响应；任务将从最后完成的步骤恢复。",
  retryShutdown: () => "工作进程已关闭；任务将在下一个空闲名额上从最后完成的步骤恢复。",
  retryFailed: (p) => `第 ${p.attempt} 次尝试失败（${p.reason}），正在重试。`,
  cancelled: () => "已取消。",
  failed: (p) => `任务失败：${p.reason}`,
  notifyFailed: () => "未能向你发送失败通知。",
  webSearchOff: () => "这篇文章没有开启网络搜索。",
  webSearchUnavailable: () => "你要求了网络搜索，但本站没有配置搜索服务：只读取你提供的网址、你的资料和社区文章。",
  providerFailed: (p) => `无法搜索${providers[p.provider] ?? p.provider}（${p.reason}）。`,
  providerFound: (p) => `${providers[p.provider] ?? p.provider}：有 ${p.count} 个新来源待读取。`,
  researchFound: (p) => `检索找到 ${p.count} 个候选来源。`,
  communityUnpublished: (p) => `跳过 ${p.url}：已不再发布。`,
  communityArticle: (p) => `社区文章：${p.title}`,
  sourceRead: (p) => `已读取“${p.title}”（${p.chars.toLocaleString("zh-CN")} 个字符）。`,
  sourceUnread: (p) => `无法读取 ${p.url}：${unreadText(p)}。`,
  sourceDuplicate: (p) => `跳过 ${p.url}：与 ${p.same} 内容相同。`,
  sourceOverLimit: (p) => `跳过 ${p.url}：本任务已有 ${p.max} 个来源。`,
  sourcesRead: (p) => `读取了 ${p.count} 个来源，${p.unread} 个无法读取。`,
  noCitations: () => "没有可读取的来源：文章将不带引用地写成。",
  offlineWriter: () => "本站没有配置语言模型：由离线写作器根据来源摘录成文。",
  tagsUnreadable: () => "无法读取社区的标签，因此不推荐标签。",
  outline: (p) => `大纲：${p.sections} 个章节。`,
  outlineRetry: (p) => `大纲${problems[p.problem] ?? p.problem}，再请求一次。`,
  outlineFallback: () => "模型没有给出可用的大纲，改用根据来源生成的大纲。",
  outlineCompleted: (p) =>
    `模型的大纲缺少${[p.introduction ? "引言" : "", p.conclusion ? "结语" : "", p.sections ? `${p.sections} 节正文` : ""].filter(Boolean).join("、")}，已补上。`,
  sectionWritten: (p) => `第 ${p.n}/${p.total} 节已写成：${p.heading}`,
  sectionRetry: (p) => `第 ${p.n} 节${problems[p.problem] ?? p.problem}，再请求一次。`,
  sectionLeftOut: (p) => `第 ${p.n} 节两次${problems[p.problem] ?? p.problem}，已略去。`,
  citationsChecked: (p) =>
    `第 ${p.n} 节：${p.moved} 句改为引用真正包含它的来源，${p.removed} 处没有来源支持的引用已删除。`,
  sectionTrimmed: (p) => `第 ${p.n} 节已缩短为 ${p.length} ${p.unit === "words" ? "词" : "字"}（应为 ${p.share}）。`,
  sectionShort: (p) => `第 ${p.n} 节偏短：${p.length} ${p.unit === "words" ? "词" : "字"}，应为 ${p.share}。`,
  citationsDropped: (p) => `${p.count} 处引用指向未读取的来源，已删除。`,
  sourcesCited: (p) => `引用了 ${p.total} 个来源中的 ${p.cited} 个。`,
  draftSaved: (p) =>
    `草稿已保存（${p.created ? "新建" : "更新"}）；提示 ${p.promptTokens} 个词元、生成 ${p.completionTokens} 个词元，$${p.costUsd}。`,
  modelQuiet: (p) => `语言模型 ${p.model} 已有 ${p.seconds} 秒没有发送内容；最多等待 ${p.limit} 秒。`,
  modelNoSchema: (p) => `语言模型 ${p.model} 不接受 JSON 模式，改为不带模式请求。`,
  modelRetry: (p) => `等待重试：模型 ${p.what}，${p.seconds} 秒。`,
  usageEstimated: () => "模型没有报告词元用量，数量为估算值。",
  offlinePlan: (p) =>
    `离线写作器：从 ${p.sentences} 个可引用的句子中写出 ${p.sections} 个章节，${p.length}/${p.target} ${p.unit === "words" ? "词" : "字"}。`,
  offlineShort: (p) => {
    const unit = p.unit === "words" ? "词" : "字";
    return `草稿比要求的短：来源中可引用的句子有 ${p.sentences} 句（共 ${p.available} ${unit}，不重复地用了 ${p.used} 句），所以草稿只有 ${p.length} ${unit}，要求的是 ${p.target} ${unit}。`;
  },
  offlineQuotesMaterial: () => "来源中可引用的内容很少：草稿也引用了你粘贴的资料和上传的文件。",
  offlineMaterialUnquoted: () => "离线写作器只引用能标注出处的来源；你粘贴的资料和上传的文件不会被引用。",
  noMaterial: () =>
    "没有任何来源可以读取，也没有提供参考资料或文件，因此没有可写的内容。请查看下方每个来源无法读取的原因，然后换用可以读取的来源重试，或粘贴参考资料、上传文件。",
  noQuotable: (p) =>
    `可读取的来源中没有可引用的${languages[p.language] ?? p.language}句子（没有语言模型时，文章靠摘录写成，不做翻译）。请添加${languages[p.language] ?? p.language}来源。`,
  noSectionWritten: () => "没有一个章节能用文章的语言写成、引用来源且不重复。请换用其他来源重试。",
};

/** 生成任务相关的简体中文文字；键与 generation.en.ts 一一对应。 */
export const generationZhCN: GenerationStrings = {
  duration,
  stages,
  providers,
  unread: unreadText,
  log,
  cancel: {
    cancelled: "任务已取消，没有保存任何内容。",
    already_done: "任务已经完成：草稿已保存，并会保留。",
    already_failed: "任务已经失败，无需取消。",
    already_cancelled: "任务早已取消。",
  },
  retry: {
    button: "以相同输入重试",
    startFrom: "以这些输入新建任务",
    started: "任务将以相同的输入重新开始。",
    alreadyDone: "这个任务已经写出了草稿。如需再写一篇，请以它的输入新建任务。",
    stillRunning: "这个任务仍在排队或进行中：请等它结束，或先取消它。",
    forbidden: "只有任务的创建者可以重新开始它。",
  },
  form: {
    privateAddress: (line: string) => `“${line}”指向私有网络地址，这里无法读取。`,
    forbiddenAddress: (line: string) => `“${line}”指向一个永不读取的地址（链路本地地址或保留地址）。`,
    credentials: (line: string) => `“${line}”包含用户名或密码，请删去。`,
    unresolvable: (line: string, host: string) => `“${line}”：主机名 ${host} 不存在，请检查拼写。`,
    webSearchUnavailable: "网络搜索不可用：本站没有配置搜索服务。仍会读取你提供的网址、你的资料和社区文章。",
    fromRun: (topic: string) => `已按你的任务“${topic}”填好。可以修改任何内容，然后开始。`,
    fromRunMissing: "没有可以作为起点的你的任务，因此表单是空的。",
    keptFiles: "该任务的文件",
    keptFilesHint: "取消勾选的文件不会使用。",
  },
  page: {
    openDraft: "在工作室中打开草稿",
    draftSaved: "草稿已保存。请在工作室中修改，然后提交给编辑：",
    stageTimes: "各阶段耗时",
    stage: "阶段",
    attempt: "尝试",
    startedAt: "开始时间",
    took: "耗时",
    ongoing: (so: string) => `目前 ${so}`,
    unreadTitle: "未能读取的来源",
    unreadIntro: "任务用能读取的来源继续进行。以下来源无法读取：",
    logNewestFirst: "最新的在前。",
    logPages: "日志分页",
  },
};
