import { describe, expect, it } from "vitest";
import { loadTopics } from "../../bench/fidelity/fixtures.ts";
import {
  aggregate,
  citationCoverage,
  citationPrecision,
  citationsIn,
  cjkShare,
  duplicateParagraphs,
  groundedSentences,
  headingSoftRecall,
  languageCorrect,
  lengthAccuracy,
  lengthOf,
  missedTargets,
  ngrams,
  parseDraft,
  scoreDraft,
  sentencesWithCitations,
  structureOf,
} from "../../bench/fidelity/metrics.ts";

const SOURCE_EN =
  "Spring tides happen when the sun and the moon line up with the earth. Neap tides come a week later, when they pull at right angles. Harbour pilots plan around both.";
const SOURCE_EN_2 = "A tide gauge records the height of the water every six minutes along the coast.";

const DRAFT_EN = [
  "> This draft was composed extractively (banner).",
  "",
  "Tides shape every harbour's day [1].",
  "",
  "## How tides form",
  "",
  "Spring tides happen when the sun and the moon line up with the earth [1]. A tide gauge records the height of the water every six minutes [2].",
  "",
  "## Measuring",
  "",
  "Tide gauges are made of cheese and were invented on the moon in 1066 [2].",
  "",
  "## Conclusion",
  "",
  "Harbour pilots plan around both.",
  "",
  "## Sources",
  "",
  "1. [Tides](https://example.org/tides)",
  "2. [Gauges](https://example.org/gauges)",
  "",
].join("\n");

describe("parsing a draft", () => {
  it("keeps prose sections and leaves out the banner and the source list", () => {
    const draft = parseDraft(DRAFT_EN);
    expect(draft.sections.map((s) => s.heading)).toEqual([null, "How tides form", "Measuring", "Conclusion"]);
    expect(draft.sections[0]?.paragraphs).toEqual(["Tides shape every harbour's day [1]."]);
  });

  it("reads citation groups and gives a citation after the full stop to the sentence before it", () => {
    expect(citationsIn("a [1][3] b [2-4] c [5, 6] [link](http://x)")).toEqual([1, 3, 2, 4, 5, 6]);
    expect(sentencesWithCitations("First claim here. [2] Second one [3].", "en")).toEqual([
      { text: "First claim here.", citations: [2] },
      { text: "Second one [3].", citations: [3] },
    ]);
  });

  it("makes word trigrams for English and character 4-grams for Chinese", () => {
    expect([...ngrams("The tide turns [1].", "en")]).toEqual(["the tide turns"]);
    expect([...ngrams("潮汐涨落，", "zh-CN")]).toEqual(["潮汐涨落"]);
    expect(ngrams("潮汐每天涨落两次[1]。", "zh-CN").size).toBe(5);
  });
});

describe("citation precision", () => {
  it("counts a fabricated citation as imprecise", () => {
    const result = citationPrecision(DRAFT_EN, [SOURCE_EN, SOURCE_EN_2], "en");
    // "Tides shape every harbour's day" is in no source; the two copied sentences are; the cheese is fabricated.
    expect(result.citations).toBe(4);
    expect(result.precise).toBe(2);
    const fabricated = result.checks.find((check) => check.sentence.includes("cheese"));
    expect(fabricated?.precise).toBe(false);
  });

  it("accepts a faithful draft and refuses a number that names no source", () => {
    const faithful = "Spring tides happen when the sun and the moon line up with the earth [1].";
    expect(citationPrecision(faithful, [SOURCE_EN], "en")).toMatchObject({ citations: 1, precise: 1 });
    expect(citationPrecision(faithful.replace("[1]", "[3]"), [SOURCE_EN], "en")).toMatchObject({
      citations: 1,
      precise: 0,
    });
  });

  it("accepts a sentence drawn from two sources cited together", () => {
    const text = "Neap tides come a week later, and a tide gauge records the height of the water [1][2].";
    expect(citationPrecision(text, [SOURCE_EN, SOURCE_EN_2], "en")).toMatchObject({ citations: 2, precise: 2 });
  });

  it("matches Chinese by character 4-grams, whatever the punctuation", () => {
    const source = "大潮出现在朔望前后，此时太阳和月亮的引潮力方向一致。小潮则出现在上下弦。";
    const draft = "大潮出现在朔望前后，此时太阳和月亮的引潮力方向一致[1]。潮汐发电站建在海湾里[1]。";
    expect(citationPrecision(draft, [source], "zh-CN")).toMatchObject({ citations: 2, precise: 1 });
  });
});

describe("grounding", () => {
  it("checks the uncited sentences of a citing paragraph against that paragraph's sources", () => {
    // Intro: 1 sentence, not in the source. How tides form: both grounded. Measuring: the cheese is not.
    expect(groundedSentences(DRAFT_EN, [SOURCE_EN, SOURCE_EN_2], "en")).toEqual({ sentences: 4, grounded: 2 });
    const invented = `${SOURCE_EN.split(". ")[0]}. Tides were discovered by sailors in 1850 on a Tuesday [1].`;
    expect(groundedSentences(invented, [SOURCE_EN], "en")).toEqual({ sentences: 2, grounded: 1 });
  });
});

describe("paragraph measures", () => {
  it("gives coverage as the share of paragraphs citing", () => {
    expect(citationCoverage(DRAFT_EN)).toEqual({ paragraphs: 4, citing: 3 });
  });

  it("finds a duplicate paragraph, citations ignored", () => {
    const paragraph = "Spring tides happen when the sun and the moon line up with the earth, twice a month.";
    const body = `${paragraph} [1]\n\n## Again\n\n${paragraph} [2]\n\n## Other\n\nSomething else entirely about harbours.`;
    expect(duplicateParagraphs(body, "en")).toEqual({ paragraphs: 3, duplicates: 1, pairs: [[0, 1]] });
    expect(duplicateParagraphs(DRAFT_EN, "en").duplicates).toBe(0);
  });
});

describe("language and length", () => {
  it("measures the share of Han among letters", () => {
    expect(cjkShare("潮汐 tide")).toBeCloseTo(2 / 6);
    expect(languageCorrect("## 引言\n\n潮汐是海水的周期性涨落[1]。", "zh-CN")).toEqual({ share: 1, correct: true });
    expect(languageCorrect(DRAFT_EN, "en").correct).toBe(true);
    expect(languageCorrect("Tides 是海水的涨落 rising and falling every day.", "en").correct).toBe(false);
  });

  it("counts characters for zh-CN and words for en, without headings, citations or the source list", () => {
    // Han characters (and Latin letters and digits), not punctuation: the offline writer's own rule.
    expect(lengthOf("## 标题\n\n潮汐涨落[1]。\n\n## 参考资料\n\n1. [甲](https://a.b)", "zh-CN")).toBe(4);
    expect(lengthOf(DRAFT_EN, "en")).toBe(5 + 26 + 14 + 5);
    expect(lengthAccuracy(DRAFT_EN, "en", 50)).toMatchObject({ length: 50, within: true });
    expect(lengthAccuracy(DRAFT_EN, "en", 60).within).toBe(false);
  });
});

describe("structure", () => {
  it("wants an introduction, three sections and a conclusion", () => {
    expect(structureOf(DRAFT_EN)).toEqual({ introduction: true, sections: 2, conclusion: true, ok: false });
    const good = "## 引言\n\n甲。\n\n## 一\n\n乙。\n\n## 二\n\n丙。\n\n## 三\n\n丁。\n\n## 结语\n\n戊。";
    expect(structureOf(good)).toEqual({ introduction: true, sections: 3, conclusion: true, ok: true });
    expect(structureOf(good.replace("结语", "其他")).conclusion).toBe(false);
    expect(structureOf(good.replace("## 引言", "## 历史")).introduction).toBe(false);
  });
});

describe("heading soft recall", () => {
  it("averages each reference heading's best match", () => {
    expect(headingSoftRecall(["How tides form", "Measuring tides"], ["How tides form", "Tide energy"], "en")).toBe(
      (1 + 0.5) / 2,
    );
    expect(headingSoftRecall(["潮汐的成因"], ["潮汐成因"], "zh-CN")).toBeCloseTo(2 / Math.sqrt(4 * 3));
    expect(headingSoftRecall([], ["Anything"], "en")).toBe(0);
  });
});

describe("aggregating", () => {
  it("pools precision over citations and reports missed targets", () => {
    const score = scoreDraft({
      body: DRAFT_EN,
      sources: [SOURCE_EN, SOURCE_EN_2],
      language: "en",
      targetLength: 50,
      referenceOutline: ["How tides form", "Measuring"],
    });
    const result = aggregate([score, undefined]);
    expect(result).toMatchObject({ runs: 2, failed: 1, citations: 4, precision: 0.5, lengthWithin: 0.5 });
    expect(missedTargets(result)).toEqual([
      "1 run(s) failed",
      "citation precision 50.0% < 95.0%",
      "language correct in 50.0% of drafts",
      "length within ±15% in 50.0% of drafts < 90.0%",
      "introduction + ≥3 sections + conclusion in 0.0% of drafts",
    ]);
  });
});

describe("the shipped fixtures", () => {
  it("hold at least ten topics per language, three pages each", () => {
    const topics = loadTopics();
    for (const language of ["zh-CN", "en"] as const)
      expect(topics.filter((topic) => topic.language === language).length).toBeGreaterThanOrEqual(10);
    for (const topic of topics) expect(topic.pages.length, topic.id).toBe(3);
  });
});
