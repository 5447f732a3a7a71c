import type { Locale } from "@inkstone/config";

/** What an answer says in words of its own, in the conversation's language. */
export const ASK_WORDING = {
  en: {
    extracted:
      "_No language model is configured, so this answer is extracted from the community's articles: the sentences that match your question best, each with its source._",
    nothingFound:
      "The community has no articles on this yet, so there is nothing to answer from. Try asking with other words, or write the first article about it.",
    failed: {
      "llm-rejected":
        "The language model refused the request. Ask an administrator to check the model settings (OPENAI_API_KEY and the model name).",
      "llm-unavailable": "The language model did not answer. Ask again in a few minutes.",
      "cms-unavailable": "The community's articles could not be read just now. Ask again in a few minutes.",
      "search-unavailable": "Search is unavailable just now, so no article could be found. Ask again in a few minutes.",
      lost: "The worker writing this answer stopped several times. Ask again in a few minutes.",
      other: "Something went wrong while writing this answer. Ask again; if it keeps failing, tell an administrator.",
    },
  },
  "zh-CN": {
    extracted: "_未配置语言模型，以下回答摘录自社区文章中与你的问题最相关的句子，并注明了出处。_",
    nothingFound: "社区里还没有关于这个问题的文章，暂时无从回答。可以换个说法再问，或者写下第一篇相关文章。",
    failed: {
      "llm-rejected": "语言模型拒绝了请求。请联系管理员检查模型设置（OPENAI_API_KEY 和模型名称）。",
      "llm-unavailable": "语言模型没有响应，请过几分钟再问。",
      "cms-unavailable": "暂时无法读取社区文章，请过几分钟再问。",
      "search-unavailable": "搜索暂时不可用，没能找到文章，请过几分钟再问。",
      lost: "撰写这个回答的工作进程多次中断，请过几分钟再问。",
      other: "撰写回答时出了问题。请再问一次；如果一直失败，请告诉管理员。",
    },
  },
} as const satisfies Record<Locale, unknown>;

/**
 * Why an answer failed, for the member: what happened and what to do, in `locale`. `kind` is a PipelineErrorKind,
 * "lost" (its worker kept disappearing) or anything else (said as "something went wrong").
 */
export function failureWording(locale: Locale, kind: string): string {
  const failed = ASK_WORDING[locale].failed;
  return kind in failed ? failed[kind as keyof typeof failed] : failed.other;
}
