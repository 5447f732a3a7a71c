/**
 * The taxonomy in both languages, so a query in one finds articles written in the other and an English word
 * finds its other forms (Meilisearch does not stem): each group's words all mean the same, whichever is typed.
 * They follow the demo taxonomy's tags and categories (cms/src/lib/seed/content.ts); when an editor adds a tag or
 * a category, add its names here. A Chinese word must be one jieba keeps whole (check with a query).
 */
export const TAXONOMY_GROUPS: readonly (readonly string[])[] = [
  // Tags.
  ["写作", "writing", "write"],
  ["研究", "research"],
  ["引用", "citation", "citations", "cite", "citing"],
  ["编辑", "editing", "edit", "editor", "editors"],
  ["搜索", "检索", "search", "searching"],
  ["开源", "open source", "open-source"],
  ["出版", "发布", "publishing", "publish", "published"],
  ["社区", "community", "communities"],
  ["效率", "productivity"],
  ["数据", "data"],
  // Categories.
  ["指南", "guide", "guides"],
  ["随笔", "essay", "essays"],
  ["动态", "news"],
  ["案例", "case study", "case studies"],
  ["工具", "tool", "tools"],
];

/** Meilisearch's synonyms for `groups`: every word lists every other word of its groups. */
export function mutualSynonyms(groups: readonly (readonly string[])[]): Record<string, string[]> {
  const synonyms = new Map<string, Set<string>>();
  for (const group of groups) {
    for (const word of group) {
      const others = synonyms.get(word) ?? new Set<string>();
      for (const other of group) if (other !== word) others.add(other);
      synonyms.set(word, others);
    }
  }
  return Object.fromEntries([...synonyms].map(([word, others]) => [word, [...others]]));
}
