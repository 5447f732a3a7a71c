/**
 * Words that carry no subject: function words and the words of a question ("how do I…", "怎样…"). Meilisearch
 * ignores them in queries (the index's `stopWords`), so "how do I cite sources" is about citing sources, and the
 * first word a member's query keeps is one an article can contain. Chinese entries are whole jieba words.
 */
const ENGLISH =
  "a an the and or but if of to in on at by for from with about into as is are was were be been being do does did have has had i me my we our you your he she it its they them their this that these those there here what which who whom whose when where why how can could should would will shall may might must not no so than too very just also only any some all more most other such own same again further then once".split(
    " ",
  );

const CHINESE =
  "的 地 得 了 着 过 是 在 和 与 及 或 而 把 被 让 给 对 从 向 于 吗 呢 吧 啊 呀 么 我 我们 你 你们 他 她 它 他们 自己 这 那 这个 那个 这些 那些 哪 哪个 哪些 什么 为什么 怎么 怎样 怎么样 如何 为何 是否 能否 可以 应该 能 会 要 想 就 都 也 还 又 很 更 最 一个 一些 有 没".split(
    " ",
  );

export const STOP_WORDS: readonly string[] = [
  ...ENGLISH,
  // Meilisearch's stop words are case-sensitive (meilisearch/documentation#3651; on 1.21 "How cite" kept "How" and
  // found nothing), so a question's capitalised first word is listed too.
  ...ENGLISH.map((word) => word[0]?.toUpperCase() + word.slice(1)),
  ...CHINESE,
];
