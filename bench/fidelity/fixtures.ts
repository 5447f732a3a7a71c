// The bench's topics: bench/fidelity/fixtures/<language>/<topic-id>/{topic.json, 1.html, 2.html, 3.html}. Pages
// are realistic article pages (title, navigation, header, article, footer) with prose written for the bench.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LOCALES, type Locale } from "@inkstone/config";
import { z } from "zod";

const topicSchema = z.strictObject({
  topic: z.string().min(1).max(200),
  idea: z.string().max(2000).default(""),
  /** Characters for zh-CN, words for en, as a creator asks on /write. */
  targetLength: z.number().int().min(300).max(6000),
  /** The headings a good article on the topic would have (the heading soft recall reference). */
  outline: z.array(z.string().min(1)).min(4).max(6),
});

export type FixturePage = { url: string; html: string };
export type FixtureTopic = z.infer<typeof topicSchema> & { id: string; language: Locale; pages: FixturePage[] };

export const FIXTURES_DIR = join(import.meta.dirname, "fixtures");

/** Every topic under `dir`, by language then id; a malformed topic.json stops the bench with its path. */
export function loadTopics(dir = FIXTURES_DIR): FixtureTopic[] {
  const topics: FixtureTopic[] = [];
  for (const language of LOCALES) {
    const languageDir = join(dir, language);
    let ids: string[];
    try {
      ids = readdirSync(languageDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort();
    } catch {
      continue;
    }
    for (const id of ids) {
      const topicDir = join(languageDir, id);
      const file = join(topicDir, "topic.json");
      const parsed = topicSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
      if (!parsed.success)
        throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
      const pages = readdirSync(topicDir)
        .filter((name) => /^\d+\.html$/.test(name))
        .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
        .map((name) => ({
          url: `https://fixtures.inkstone.invalid/${language}/${id}/${name}`,
          html: readFileSync(join(topicDir, name), "utf8"),
        }));
      topics.push({ ...parsed.data, id, language, pages });
    }
  }
  return topics;
}
