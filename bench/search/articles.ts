// Deterministic fake articles and queries for the search bench: a fixed seed gives the same corpus each run.
import type { SearchDocument } from "@inkstone/config";
import type { SearchParamsInput } from "@inkstone/search";

const EN = (
  "writing story draft editor chapter novel poem essay voice character plot scene dialogue outline revision " +
  "publish reader audience market agent memoir fiction journal notebook grammar style rhythm metaphor imagery " +
  "research source citation interview archive history science climate ocean forest mountain river city travel " +
  "kitchen recipe garden music painting photography camera light shadow colour design typography layout print " +
  "software typescript database search index server network cloud security privacy model language learning " +
  "machine neural training dataset prompt agent workflow pipeline benchmark latency cache queue worker deploy " +
  "startup founder team hiring remote culture meeting habit focus productivity morning routine sleep health " +
  "running cycling climbing swimming football chess philosophy ethics economics policy election community"
).split(" ");

const ZH = (
  "写作 故事 草稿 编辑 章节 小说 诗歌 散文 声音 人物 情节 场景 对话 大纲 修改 出版 读者 市场 回忆录 日记 语法 风格 " +
  "节奏 隐喻 研究 来源 引用 采访 档案 历史 科学 气候 海洋 森林 山脉 河流 城市 旅行 厨房 食谱 花园 音乐 绘画 摄影 " +
  "相机 光线 阴影 设计 排版 软件 数据库 搜索 索引 服务器 网络 安全 隐私 模型 语言 学习 机器 神经 训练 数据集 提示 " +
  "工作流 基准 缓存 队列 部署 创业 团队 招聘 远程 文化 会议 习惯 专注 效率 早晨 睡眠 健康 跑步 骑行 哲学 伦理 经济 " +
  "人工智能 深度学习 自然语言"
).split(" ");

const TAGS = Array.from({ length: 40 }, (_, i) => ({ slug: `tag-${i}`, name: `${EN[i * 3] as string} ${i}` }));
const CATEGORIES = ["fiction", "essays", "tech", "science", "life", "travel", "art", "news"].map((slug) => ({
  slug,
  name: slug,
}));
const AUTHORS = Array.from({ length: 200 }, (_, i) => ({ handle: `author-${i}`, displayName: `Writer ${i}` }));

/** mulberry32: a tiny seeded PRNG. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
const words = (rand: () => number, vocabulary: readonly string[], count: number, joiner: string) =>
  Array.from({ length: count }, () => pick(rand, vocabulary)).join(joiner);

/** `count` published articles, alternating zh-CN and en, in batches of `batchSize`. */
export async function* generateArticles(count: number, batchSize = 500): AsyncGenerator<SearchDocument[]> {
  const rand = random(42);
  const start = Date.UTC(2021, 0, 1);
  for (let offset = 0; offset < count; offset += batchSize) {
    const batch: SearchDocument[] = [];
    for (let i = offset; i < Math.min(count, offset + batchSize); i++) {
      const zh = i % 2 === 0;
      const [vocabulary, joiner] = zh ? [ZH, ""] : [EN, " "];
      const paragraphs = Array.from({ length: 4 + Math.floor(rand() * 6) }, () =>
        words(rand, vocabulary, 30 + Math.floor(rand() * 40), joiner),
      );
      batch.push({
        documentId: `doc${i}`,
        locale: zh ? "zh-CN" : "en",
        slug: `article-${i}`,
        title: words(rand, vocabulary, 3 + Math.floor(rand() * 5), joiner),
        summary: words(rand, vocabulary, 12 + Math.floor(rand() * 12), joiner),
        body: `## ${words(rand, vocabulary, 3, joiner)}\n\n${paragraphs.join("\n\n**note** ")}`,
        tags: Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(rand, TAGS)),
        category: pick(rand, CATEGORIES),
        author: pick(rand, AUTHORS),
        publishedAt: new Date(start + Math.floor(rand() * 4 * 365 * 86_400_000)).toISOString(),
        likes: Math.floor(rand() ** 3 * 500),
        readingMinutes: 2 + Math.floor(rand() * 10),
        featured: rand() < 0.05,
        coverUrl: null,
      });
    }
    yield batch;
  }
}

/** A mix of what people type on a results page: words, typos, Chinese, filters, sorts, later pages. */
export function generateQueries(count: number): SearchParamsInput[] {
  const rand = random(7);
  const typo = (word: string) => (word.length > 5 ? word.slice(0, 2) + word.slice(3) : word);
  const kinds: (() => SearchParamsInput)[] = [
    () => ({ q: pick(rand, EN) }),
    () => ({ q: `${pick(rand, EN)} ${pick(rand, EN)}` }),
    () => ({ q: typo(pick(rand, EN)) }),
    () => ({ q: pick(rand, ZH) }),
    () => ({ q: `${pick(rand, ZH)}${pick(rand, ZH)}` }),
    () => ({ q: pick(rand, EN), tags: [pick(rand, TAGS).slug] }),
    () => ({ q: pick(rand, ZH), language: "zh-CN", category: pick(rand, CATEGORIES).slug }),
    () => ({ q: pick(rand, EN), sort: "newest", from: "2022-01-01", to: "2023-12-31" }),
    () => ({ sort: "most-liked", category: pick(rand, CATEGORIES).slug }),
    () => ({ q: pick(rand, EN), page: 3, limit: 20 }),
    () => ({ author: pick(rand, AUTHORS).handle, sort: "newest" }),
  ];
  return Array.from({ length: count }, () => pick(rand, kinds)());
}
