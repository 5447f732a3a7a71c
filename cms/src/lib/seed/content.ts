/** Demo content: enough members, tags, categories and articles (zh-CN and en) that every community page means something. */

export const MEMBERS = [
  { username: "lin-wei", displayName: "林蔚", bio: "科技记者，关注 AI 与出版。" },
  { username: "maya-chen", displayName: "Maya Chen", bio: "Editor. Writes about writing." },
  { username: "zhao-ming", displayName: "赵明", bio: "独立开发者，喜欢把复杂的事讲简单。" },
  { username: "sam-okafor", displayName: "Sam Okafor", bio: "Researcher in information retrieval." },
  { username: "qiu-yan", displayName: "邱岩", bio: "产品经理，研究创作者工具。" },
  { username: "ines-duarte", displayName: "Inês Duarte", bio: "Teacher and essayist." },
  { username: "he-jing", displayName: "何静", bio: "数据新闻编辑。" },
  { username: "tom-becker", displayName: "Tom Becker", bio: "Open-source maintainer." },
] as const;

/** A tag's or category's name (and description) in each locale; its slug is the same in both. */
export type DemoTaxonomy = {
  slug: string;
  name: { en: string; "zh-CN": string };
  description?: { en: string; "zh-CN": string };
};

export const TAGS: readonly DemoTaxonomy[] = [
  { slug: "ai-writing", name: { en: "AI writing", "zh-CN": "AI 写作" } },
  { slug: "research", name: { en: "Research", "zh-CN": "研究" } },
  { slug: "citations", name: { en: "Citations", "zh-CN": "引用" } },
  { slug: "editing", name: { en: "Editing", "zh-CN": "编辑" } },
  { slug: "search", name: { en: "Search", "zh-CN": "搜索" } },
  { slug: "open-source", name: { en: "Open source", "zh-CN": "开源" } },
  { slug: "publishing", name: { en: "Publishing", "zh-CN": "出版" } },
  { slug: "community", name: { en: "Community", "zh-CN": "社区" } },
  { slug: "productivity", name: { en: "Productivity", "zh-CN": "效率" } },
  { slug: "data", name: { en: "Data", "zh-CN": "数据" } },
];

export const CATEGORIES: readonly DemoTaxonomy[] = [
  {
    slug: "guides",
    name: { en: "Guides", "zh-CN": "指南" },
    description: { en: "How-tos for creators and editors.", "zh-CN": "写给创作者和编辑的实用指南。" },
  },
  {
    slug: "essays",
    name: { en: "Essays", "zh-CN": "随笔" },
    description: { en: "Opinions and long reads.", "zh-CN": "观点与长文。" },
  },
  {
    slug: "news",
    name: { en: "News", "zh-CN": "动态" },
    description: { en: "What changed and why it matters.", "zh-CN": "有什么变化，为什么重要。" },
  },
  {
    slug: "case-studies",
    name: { en: "Case studies", "zh-CN": "案例" },
    description: { en: "Real projects, real numbers.", "zh-CN": "真实的项目，真实的数据。" },
  },
  {
    slug: "tools",
    name: { en: "Tools", "zh-CN": "工具" },
    description: { en: "Software for writing and research.", "zh-CN": "写作与研究的软件。" },
  },
];

type Topic = { en: string; zh: string; enWhat: string; zhWhat: string; tags: string[]; category: string };

const TOPICS: Topic[] = [
  {
    en: "Writing with sources",
    zh: "有据可查的写作",
    enWhat: "citing what you read",
    zhWhat: "引用读过的资料",
    tags: ["ai-writing", "citations"],
    category: "guides",
  },
  {
    en: "Search that understands Chinese",
    zh: "读懂中文的搜索",
    enWhat: "segmenting Chinese text",
    zhWhat: "中文分词",
    tags: ["search", "data"],
    category: "tools",
  },
  {
    en: "The editor's desk",
    zh: "编辑的工作台",
    enWhat: "reviewing AI drafts",
    zhWhat: "审阅 AI 草稿",
    tags: ["editing", "publishing"],
    category: "guides",
  },
  {
    en: "Queues people can see",
    zh: "看得见的排队",
    enWhat: "showing where a job waits",
    zhWhat: "展示任务排在哪里",
    tags: ["productivity", "open-source"],
    category: "essays",
  },
  {
    en: "Research before prose",
    zh: "先研究，后成文",
    enWhat: "gathering sources first",
    zhWhat: "先收集资料",
    tags: ["research", "ai-writing"],
    category: "guides",
  },
  {
    en: "Communities around writing",
    zh: "围绕写作的社区",
    enWhat: "readers who talk back",
    zhWhat: "会回应的读者",
    tags: ["community", "publishing"],
    category: "essays",
  },
  {
    en: "Open tools for writers",
    zh: "写作者的开源工具",
    enWhat: "software you can inspect",
    zhWhat: "可以审视的软件",
    tags: ["open-source", "productivity"],
    category: "tools",
  },
  {
    en: "Numbers in stories",
    zh: "故事里的数字",
    enWhat: "using data honestly",
    zhWhat: "诚实地使用数据",
    tags: ["data", "research"],
    category: "case-studies",
  },
  {
    en: "From draft to published",
    zh: "从草稿到发布",
    enWhat: "the editorial workflow",
    zhWhat: "编辑流程",
    tags: ["editing", "publishing"],
    category: "news",
  },
  {
    en: "Offline writing machines",
    zh: "离线写作机器",
    enWhat: "composing without a model",
    zhWhat: "没有大模型也能成文",
    tags: ["ai-writing", "open-source"],
    category: "case-studies",
  },
];

const ANGLES = [
  { en: "a practical guide", zh: "实用指南" },
  { en: "lessons from a year", zh: "一年的经验" },
  { en: "what most people get wrong", zh: "常见误区" },
] as const;

export type DemoArticle = {
  key: string;
  tags: string[];
  category: string;
  author: string;
  featured: boolean;
  daysAgo: number;
  versions: Record<
    "en" | "zh-CN",
    {
      title: string;
      slug: string;
      summary: string;
      body: string;
      sources: { title: string; url: string; excerpt: string }[];
    }
  >;
};

function sources(slug: string) {
  return [1, 2, 3].map((n) => ({
    title: `Source ${n} on ${slug.replace(/-/g, " ")}`,
    url: `https://example.org/${slug}/${n}`,
    excerpt: `Notes ${n} that the article draws on.`,
  }));
}

function enBody(topic: Topic, angle: string): string {
  return [
    `## Why ${topic.enWhat} matters`,
    `${topic.en} is ${angle}. Writers who care about ${topic.enWhat} earn their readers' trust [1].`,
    "## What we tried",
    `We compared three approaches to ${topic.enWhat} across a season of articles, and kept notes on what readers asked about [2].`,
    "## What worked",
    `The approach that lasted was the plainest one: say where each claim comes from, and make it easy to check [3].`,
  ].join("\n\n");
}

function zhBody(topic: Topic, angle: string): string {
  return [
    `## 为什么${topic.zhWhat}很重要`,
    `${topic.zh}：${angle}。重视${topic.zhWhat}的作者更容易赢得读者的信任 [1]。`,
    "## 我们尝试了什么",
    `我们在一整季的文章里比较了三种${topic.zhWhat}的方法，并记录了读者的提问 [2]。`,
    "## 什么方法有效",
    `最终留下来的是最朴素的做法：说明每个观点的出处，并让读者方便核对 [3]。`,
  ].join("\n\n");
}

/** 30 documents, each in zh-CN and en: 60 articles. */
export function demoArticles(): DemoArticle[] {
  const articles: DemoArticle[] = [];
  TOPICS.forEach((topic, t) => {
    ANGLES.forEach((angle, a) => {
      const n = t * ANGLES.length + a;
      const enSlug = `${topic.en.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${a + 1}`;
      articles.push({
        key: enSlug,
        tags: topic.tags,
        category: topic.category,
        author: MEMBERS[n % MEMBERS.length]?.username ?? "lin-wei",
        featured: a === 0 && t % 3 === 0,
        daysAgo: n,
        versions: {
          en: {
            title: `${topic.en}: ${angle.en}`,
            slug: enSlug,
            summary: `${topic.en} — ${angle.en}, on ${topic.enWhat}.`,
            body: enBody(topic, angle.en),
            sources: sources(enSlug),
          },
          "zh-CN": {
            title: `${topic.zh}：${angle.zh}`,
            slug: `${enSlug}-zh`,
            summary: `${topic.zh}——${angle.zh}，谈${topic.zhWhat}。`,
            body: zhBody(topic, angle.zh),
            sources: sources(enSlug),
          },
        },
      });
    });
  });
  return articles;
}

export const COMMENTS = {
  en: [
    "Clear and useful, thank you.",
    "The second section changed how I work.",
    "Could you share the sources list as a template?",
    "Agreed — checking claims is half the job.",
  ],
  "zh-CN": [
    "写得很清楚，谢谢分享。",
    "第二部分对我很有启发。",
    "能否把资料清单做成模板？",
    "同意，核对观点是工作的一半。",
  ],
} as const;
