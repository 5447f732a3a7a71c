import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Locale } from "@inkstone/config";
import { describe, expect, it } from "vitest";
import { extractReadable } from "../src/fetch/extract.ts";
import { generationInputSchema } from "../src/generation/request.ts";
import type { ReadSource } from "../src/research/types.ts";
import { assembleArticle, mergeAdjacent } from "../src/writer/citations.ts";
import { measureLength } from "../src/writer/offline/length.ts";
import { offlineWriter } from "../src/writer/offline-writer.ts";
import { placedSentencesOf, sentencesOf } from "../src/writer/sentences.ts";
import type { WriteContext } from "../src/writer/types.ts";

// The offline writer and what feeds it, on saved pages (test/fixtures/offline-writer) in both languages.

const FIXTURES = fileURLToPath(new URL("./fixtures/offline-writer/", import.meta.url));

function sourcesIn(language: Locale): ReadSource[] {
  const prefix = language === "zh-CN" ? "zh-" : "en-";
  return readdirSync(FIXTURES)
    .filter((file) => file.startsWith(prefix))
    .sort()
    .map((file) => {
      const url = `https://example.org/${file}`;
      const { title, text } = extractReadable(readFileSync(`${FIXTURES}${file}`, "utf8"), "text/html", url);
      return { url, title, text, origin: "creator" };
    });
}

function contextFor(
  language: Locale,
  targetLength: number,
  extra: { taxonomy?: string[]; sources?: ReadSource[] } = {},
): WriteContext & { lines: string[] } {
  const lines: string[] = [];
  const request = generationInputSchema.parse({
    creatorId: "abc123",
    topic: language === "zh-CN" ? "潮汐能" : "tidal energy",
    urls: ["https://example.org/a"],
    language,
    targetLength,
  });
  return {
    request,
    sources: extra.sources ?? sourcesIn(language),
    material: [],
    signal: new AbortController().signal,
    log: (level, message) => lines.push(`${level}: ${message}`),
    lines,
    ...(extra.taxonomy ? { taxonomy: extra.taxonomy } : {}),
  };
}

async function write(context: WriteContext) {
  const writer = offlineWriter();
  const outline = await writer.outline(context);
  const sections = [];
  for (let index = 0; index < outline.sections.length; index++)
    sections.push({
      heading: outline.sections[index]?.heading ?? "",
      text: await writer.section(context, outline, index),
    });
  const article = assembleArticle({ sections, sources: context.sources });
  return { outline, sections, article };
}

/** The sentence a marker ends (or sits in), without its markers: what the fidelity bench looks up in the source. */
function citedSentences(body: string): { sentence: string; numbers: number[] }[] {
  const out: { sentence: string; numbers: number[] }[] = [];
  for (const paragraph of body.split(/\n\s*\n/)) {
    if (/^(#|>|\d+\. \[)/.test(paragraph)) continue;
    const pattern = /([^。！？.!?]*?)((?:\s?\[\d+\])+)([。！？.!?]?)/g;
    for (const match of paragraph.matchAll(pattern)) {
      const numbers = [...(match[2] ?? "").matchAll(/\d+/g)].map((m) => Number(m[0]));
      out.push({ sentence: `${(match[1] ?? "").trim()}${match[3] ?? ""}`, numbers });
    }
  }
  return out;
}

describe("extraction keeps the page's structure and drops its furniture", () => {
  it.each([
    ["en-tidal-basics.html", "How Tidal Energy Works", "## Tidal range and tidal stream"],
    ["zh-tidal-basics.html", "潮汐能是如何发电的", "## 潮差发电与潮流发电"],
    ["zh-tidal-environment.html", "潮汐能开发对海洋环境的影响", "## 泥沙与水质"],
  ])("%s", (file, title, heading) => {
    const html = readFileSync(`${FIXTURES}${file}`, "utf8");
    const extracted = extractReadable(html, "text/html", `https://example.org/${file}`);
    expect(extracted.title).toBe(title);
    const { text } = extracted;
    expect(text).toContain(`\n\n${heading}\n\n`);
    // The title is neither repeated as a block nor glued to the first sentence.
    expect(text.startsWith(title)).toBe(false);
    expect(text.split("\n").filter((line) => line.replace(/^#+\s*/, "") === title)).toEqual([]);
    // Block elements never run together: no sentence end followed directly by a capital or a heading.
    expect(text).not.toMatch(/[a-z][.!?][A-Z]/);
    expect(text).not.toMatch(/[。！？]#/);
    // Navigation, footers, cookie banners and share links are gone.
    expect(text).not.toMatch(/Home|About us|cookies|Copyright|Subscribe|首页|关于我们|版权所有|未经授权/);
  });

  it("writes list items as consecutive `- ` lines", () => {
    const html = readFileSync(`${FIXTURES}zh-tidal-basics.html`, "utf8");
    const { text } = extractReadable(html, "text/html", "https://example.org/zh");
    expect(text).toContain(
      "- 水平轴水轮机固定在海床上，外形很像风力发电机。\n- 漂浮式平台把水轮机悬挂在水面以下流速最快的位置。",
    );
  });

  it("separates a heading from the paragraph after it when the page has no whitespace between them", () => {
    const html =
      "<html><head><title>潮汐能简介</title></head><body><article><h1>潮汐能简介</h1><h2>什么是潮汐能</h2><p>潮汐能是海水涨落蕴含的能量，它可以被用来发电，而且涨落时间可以预测。潮汐能的开发已经有几十年的历史，法国和韩国都建有大型电站。</p><p>Activities are planned weeks ahead.An activity starts on time.</p></article></body></html>";
    const { title, text } = extractReadable(html, "text/html", "https://example.org/x");
    expect(title).toBe("潮汐能简介");
    expect(text.split("\n\n").slice(0, 2)).toEqual([
      "## 什么是潮汐能",
      "潮汐能是海水涨落蕴含的能量，它可以被用来发电，而且涨落时间可以预测。潮汐能的开发已经有几十年的历史，法国和韩国都建有大型电站。",
    ]);
  });

  it("keeps Markdown's headings and lists, and drops its title line", () => {
    const markdown = "# Tides\n\nTides rise and fall twice a day.\n\n## Causes\n* the moon\n* the sun\n";
    const { title, text } = extractReadable(markdown, "text/markdown", "https://example.org/t.md");
    expect(title).toBe("Tides");
    expect(text).toBe("Tides rise and fall twice a day.\n\n## Causes\n\n- the moon\n- the sun");
  });
});

describe("sentence segmentation", () => {
  it("splits Chinese and English prose and skips headings", () => {
    const zh = "## 潮汐能的原理\n\n潮汐能是海水涨落蕴含的能量，可以用来发电。它的涨落时间可以提前很多年预测！";
    expect(placedSentencesOf(zh, "zh-CN")).toEqual([
      { sentence: "潮汐能是海水涨落蕴含的能量，可以用来发电。", heading: "潮汐能的原理" },
      { sentence: "它的涨落时间可以提前很多年预测！", heading: "潮汐能的原理" },
    ]);
    const en =
      "## Basics\n\nTidal energy converts the rise and fall of the sea into power. Its timing is known years in advance.\n\n- Barrages hold water back behind a wall across an estuary.";
    expect(sentencesOf(en, "en")).toEqual([
      "Tidal energy converts the rise and fall of the sea into power.",
      "Barrages hold water back behind a wall across an estuary.",
    ]);
  });
});

describe.each([
  ["en", 300],
  ["en", 500],
  ["zh-CN", 600],
  ["zh-CN", 1200],
] as const)("the offline writer in %s for %i", (language, target) => {
  it("writes an introduction, three or more sections and a conclusion within ±15% of the target, citing faithfully", async () => {
    const context = contextFor(language, target);
    const { outline, sections, article } = await write(context);
    const headings = outline.sections.map((s) => s.heading);
    expect(headings[0]).toBe(language === "zh-CN" ? "引言" : "Introduction");
    expect(headings.at(-1)).toBe(language === "zh-CN" ? "结语" : "Conclusion");
    expect(headings.length).toBeGreaterThanOrEqual(5);
    // Headings come from the sources' structure, never a page title.
    for (const source of context.sources) expect(headings).not.toContain(source.title);
    expect(outline.title).not.toBe(context.request.topic);
    expect(outline.title.toLowerCase()).toContain(context.request.topic.toLowerCase());

    const length = measureLength(sections.map((s) => s.text).join("\n\n"), language);
    expect(Math.abs(length - target) / target).toBeLessThanOrEqual(0.15);

    for (const section of outline.sections) expect(section.sources.length).toBeGreaterThanOrEqual(1);
    for (const section of sections) expect(section.text).toMatch(/\[\d+\]/);

    const paragraphs = sections.flatMap((s) => s.text.split(/\n\s*\n/)).map((p) => p.trim());
    expect(new Set(paragraphs).size).toBe(paragraphs.length);
    for (const paragraph of paragraphs) {
      const han = (paragraph.match(/\p{Script=Han}/gu) ?? []).length;
      if (language === "zh-CN") expect(han / paragraph.replace(/\[\d+\]|\s/g, "").length).toBeGreaterThan(0.7);
      else expect(han).toBe(0);
    }

    // No source list in the body (the page lists the sources), every marker a listed source, every cited sentence a
    // sentence of the source it cites.
    const body = article.body;
    expect(body).not.toMatch(/^## (Sources|参考资料)$/m);
    for (const pair of body.matchAll(/\[(\d+)\]\[(\d+)\]/g)) expect(Number(pair[1])).toBeLessThan(Number(pair[2]));
    const cited = citedSentences(body);
    expect(cited.length).toBeGreaterThanOrEqual(outline.sections.length);
    for (const { sentence, numbers } of cited)
      for (const n of numbers) {
        const source = article.sources[n - 1];
        expect(source, `[${n}] is in the list`).toBeDefined();
        expect(source?.text, `"${sentence}" is in source ${n}`).toContain(sentence);
      }
    expect(context.lines.filter((line) => line.startsWith("warn"))).toEqual([]);
  });

  it("writes the same article again (a resumed run)", async () => {
    const first = await write(contextFor(language, target));
    const second = await write(contextFor(language, target));
    expect(second.article.body).toBe(first.article.body);
    expect(second.outline).toEqual(first.outline);
  });
});

describe("the offline writer's tags, and a target the sources cannot fill", () => {
  it("suggests the existing tags the sources mention, and none when none match", async () => {
    const tagged = await write(contextFor("en", 300, { taxonomy: ["Wind", "oceans", "Turbine", "Knitting"] }));
    expect(tagged.outline.tags).toEqual(["Turbine", "Wind"]);
    const zh = await write(contextFor("zh-CN", 600, { taxonomy: ["海洋", "金融", "水轮机"] }));
    expect(zh.outline.tags).toEqual(["水轮机", "海洋"]);
    const none = await write(contextFor("en", 300, { taxonomy: ["Knitting", "Poetry"] }));
    expect(none.outline.tags).toEqual([]);
  });

  it("writes what the sources hold and says why it is short", async () => {
    const context = contextFor("en", 3000);
    const { sections } = await write(context);
    const length = measureLength(sections.map((s) => s.text).join("\n\n"), "en");
    expect(length).toBeGreaterThan(500);
    expect(length).toBeLessThan(3000 * 0.85);
    expect(context.lines.join("\n")).toMatch(/warn: the draft is shorter than asked: the sources hold \d+ quotable/);
  });
});

describe("the offline writer on near-identical sources (community articles on one subject)", () => {
  it("cites both, says nothing twice, and still has an introduction, a section and a conclusion", async () => {
    const text = (subject: string) =>
      [
        `${subject}是一种利用海水涨落发电的可再生能源技术。`,
        `研究人员在多个海湾测量了${subject}的发电量，结果与早期研究一致。`,
        `建设${subject}电站需要权衡成本、生态影响和当地社区的利益。`,
        `与风能和太阳能相比，${subject}的出力更容易预测。`,
      ].join("");
    const sources: ReadSource[] = [
      { url: "https://example.org/a", title: "潮汐能发电入门", text: text("潮汐能"), origin: "community" },
      { url: "https://example.org/b", title: "潮汐能潟湖电站", text: text("潮汐能潟湖"), origin: "community" },
    ];
    const context = contextFor("zh-CN", 1200, { sources });
    const { outline, article } = await write(context);
    expect(outline.sections.length).toBeGreaterThanOrEqual(3);
    expect(outline.sections[0]?.heading).toBe("引言");
    expect(outline.sections.at(-1)?.heading).toBe("结语");
    expect(article.sources.map((s) => s.url).sort()).toEqual(["https://example.org/a", "https://example.org/b"]);
    const sentences = article.body.match(/[^。\n]+。/g) ?? [];
    const subjects = sentences.map((s) => s.replace(/\[\d+\]|潮汐能潟湖|潮汐能/g, ""));
    expect(new Set(subjects).size).toBe(subjects.length);
    expect(context.lines.join("\n")).toMatch(/warn: the draft is shorter than asked/);
  });
});

describe("the offline writer with nothing it can quote", () => {
  it("fails the run with a reason rather than writing an empty draft", async () => {
    const context = contextFor("zh-CN", 600, { sources: sourcesIn("en") });
    await expect(offlineWriter().outline(context)).rejects.toThrow(/no Chinese sentences the offline writer can quote/);
  });

  it("quotes the creator's material when no source is in the article's language", async () => {
    const context = {
      ...contextFor("zh-CN", 300, { sources: sourcesIn("en") }),
      material: [
        {
          name: "pasted references",
          text: "清明前采摘的明前茶芽叶细嫩，香气清高。采摘之后要经过摊晾、杀青和辉锅，才能形成扁平挺直的外形。",
        },
      ],
    };
    const { article } = await write(context);
    expect(article.body).toContain("明前茶芽叶细嫩");
  });
});

describe("the assembled article's citations", () => {
  const source = (n: number): ReadSource => ({
    url: `https://example.org/${n}`,
    title: `Source ${n}`,
    text: "",
    origin: "creator",
  });

  it("merges side-by-side markers in order", () => {
    expect(mergeAdjacent("A [3][2]. B [2] [1] [2]. C [4]")).toBe("A [2][3]. B [1][2]. C [4]");
  });

  it("keeps no source list in the body when a section brings its own: the sources are the list", () => {
    const article = assembleArticle({
      sections: [
        { heading: "Body", text: "Claim [2][1].\n\n**References**\n1. [Source 2](https://example.org/2)\n" },
        { heading: "References", text: "1. Source 1\n2. Source 2" },
      ],
      sources: [source(1), source(2)],
    });
    expect(article.body).toBe("## Body\n\nClaim [1][2].\n");
    expect(article.sources.map((s) => s.url)).toEqual(["https://example.org/2", "https://example.org/1"]);
  });
});
