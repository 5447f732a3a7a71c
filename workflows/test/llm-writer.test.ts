// The LLM writer checks its work: every sentence's citation against the sources that were read, the outline made
// whole (introduction, at least three sections, conclusion), each section held to its share of the target length —
// with the chat client against the stand-in model server (support/llm-stub.ts), no stack.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generationInputSchema } from "../src/generation/request.ts";
import { createChat } from "../src/llm/chat.ts";
import type { ReadSource } from "../src/research/types.ts";
import { groundSection } from "../src/writer/ground-section.ts";
import { checkCitations, citationsIn, containment, ngrams, sentencesWithCitations } from "../src/writer/grounding.ts";
import { llmWriter } from "../src/writer/llm-writer.ts";
import { measureLength } from "../src/writer/offline/length.ts";
import { sectionShare } from "../src/writer/prompts.ts";
import { completeOutline } from "../src/writer/shape-outline.ts";
import type { Outline, WriteContext } from "../src/writer/types.ts";
import { startLlmStub } from "./support/llm-stub.ts";

const source = (n: number, text: string): ReadSource => ({
  url: `https://example.org/${n}`,
  title: `Source ${n}`,
  text,
  origin: "creator",
});

const TIDES = source(
  1,
  "Spring tides happen when the sun and the moon line up with the earth. Neap tides come a week later, when they pull at right angles. Harbour pilots plan every departure around both kinds of tide. The highest spring tides of the year arrive near the equinoxes.",
);
const GAUGES = source(
  2,
  "A tide gauge records the height of the water every six minutes along the coast. Gauge records older than a century show the sea rising slowly. Modern gauges send their readings by radio to a national centre.",
);
const ZH = [
  source(
    1,
    "潮汐能是一种可再生能源，来自月球和太阳对海水的引力。潮汐每天涨落两次，因此发电时间可以提前预测。潮汐电站通常建在海湾或河口，利用水位差推动水轮机发电。",
  ),
  source(
    2,
    "潮流涡轮机像水下的风车，安装在海流速度较快的地方，不需要修建大坝。苏格兰的梅金项目在海底安装了多台涡轮机。",
  ),
];

/** Each citation of `text` checked against `sources` by the fidelity rule: the share that is precise. */
function precision(text: string, sources: readonly ReadSource[], language: "en" | "zh-CN") {
  const pools = sources.map((s) => ngrams(s.text, language));
  const checks = sentencesWithCitations(text, language).flatMap((sentence) =>
    checkCitations(ngrams(sentence.text, language), sentence.citations, pools),
  );
  return { citations: checks.length, precise: checks.filter((check) => check.precise).length };
}

describe("each sentence's citation, checked against what was read", () => {
  it("keeps a supported citation, re-cites a wrongly cited sentence, cites an uncited one and removes the rest", () => {
    const written = [
      "Spring tides happen when the sun and the moon line up with the earth [1].",
      "A tide gauge records the height of the water every six minutes along the coast [1].",
      "Harbour pilots plan every departure around both kinds of tide.",
      "Tides were discovered by sailors from Atlantis in 1066 [2][9].",
    ].join(" ");
    const result = groundSection(written, [TIDES, GAUGES], "en");
    expect(result).toMatchObject({ kept: 1, moved: 1, added: 1, removed: 1 });
    expect(result.text).toBe(
      [
        "Spring tides happen when the sun and the moon line up with the earth [1].",
        "A tide gauge records the height of the water every six minutes along the coast [2].",
        "Harbour pilots plan every departure around both kinds of tide [1].",
        "Tides were discovered by sailors from Atlantis in 1066.",
      ].join(" "),
    );
    expect(precision(result.text, [TIDES, GAUGES], "en")).toEqual({ citations: 3, precise: 3 });
  });

  it("keeps list items and paragraphs as written, and checks Chinese by characters", () => {
    const list =
      "Two kinds of tide:\n\n- Neap tides come a week later, when they pull at right angles [2].\n- Made up [1].";
    expect(groundSection(list, [TIDES, GAUGES], "en").text).toBe(
      "Two kinds of tide:\n\n- Neap tides come a week later, when they pull at right angles [1].\n- Made up.",
    );
    const zh = "潮汐每天涨落两次，因此发电时间可以提前预测[2]。潮流涡轮机不需要修建大坝[2]。月亮是奶酪做的[1]。";
    const result = groundSection(zh, ZH, "zh-CN");
    expect(result.text).toBe(
      "潮汐每天涨落两次，因此发电时间可以提前预测[1]。潮流涡轮机不需要修建大坝[2]。月亮是奶酪做的。",
    );
    expect(precision(result.text, ZH, "zh-CN")).toEqual({ citations: 2, precise: 2 });
  });
});

const request = (language: "en" | "zh-CN", targetLength: number) =>
  generationInputSchema.parse({ creatorId: "writer1", topic: "Tides", language, targetLength, webSearch: false });

function contextOf(language: "en" | "zh-CN", sources: readonly ReadSource[], targetLength = 600) {
  const log: { key?: string; message: string; params?: unknown }[] = [];
  const context: WriteContext = {
    request: request(language, targetLength),
    sources,
    material: [],
    signal: new AbortController().signal,
    log: (_level, message, entry) => log.push({ message, key: entry?.key, params: entry?.params }),
  };
  return { context, log };
}

describe("the outline made whole", () => {
  const bare: Outline = {
    title: "Tides",
    summary: "How tides work.",
    tags: [],
    sections: [
      { heading: "How tides form", points: [], sources: [1] },
      { heading: "Measuring tides", points: [], sources: [2] },
    ],
  };

  it("gains an introduction, a conclusion and a third section from the sources' own outline, and says so", () => {
    const { context, log } = contextOf("en", [TIDES, GAUGES]);
    const outline = completeOutline(bare, context);
    const headings = outline.sections.map((section) => section.heading);
    expect(headings[0]).toBe("Introduction");
    expect(headings.at(-1)).toBe("Conclusion");
    expect(headings.slice(1, 3)).toEqual(["How tides form", "Measuring tides"]);
    expect(headings).toHaveLength(5);
    expect(log.find((line) => line.key === "outlineCompleted")?.params).toEqual({
      introduction: true,
      conclusion: true,
      sections: 1,
    });
  });

  it("keeps an outline that is already whole as it is, in either language", () => {
    const { context, log } = contextOf("zh-CN", ZH);
    const whole: Outline = {
      ...bare,
      sections: ["一、概述", "潮汐", "涡轮机", "电站", "总结"].map((heading) => ({ heading, points: [], sources: [] })),
    };
    expect(completeOutline(whole, context)).toEqual(whole);
    expect(log).toEqual([]);
  });

  it("gives the introduction and conclusion a smaller share of the length, the shares adding up to the target", () => {
    const { context } = contextOf("en", [TIDES, GAUGES]);
    const outline = completeOutline(bare, context);
    const shares = outline.sections.map((_, index) => sectionShare(1200, outline, index));
    expect(shares[0]).toBeLessThan(shares[1] ?? 0);
    expect(shares.at(-1)).toBe(shares[0]);
    expect(Math.abs(shares.reduce((sum, share) => sum + share, 0) - 1200)).toBeLessThanOrEqual(3);
  });
});

describe("a section held to its share of the length", () => {
  let llm: Awaited<ReturnType<typeof startLlmStub>>;
  beforeAll(async () => {
    llm = await startLlmStub({ sectionMs: 0, outlineMs: 0 });
  });
  afterAll(async () => {
    await llm?.close();
  });
  const writer = () =>
    llmWriter({
      chat: createChat({ baseURL: llm.url, apiKey: "k", maxRetries: 0 }),
      outlineModel: "m",
      writeModel: "m",
      onUsage: () => {},
    });
  const outline: Outline = {
    title: "Tides",
    summary: "",
    tags: [],
    sections: ["Introduction", "Part 1", "Part 2", "Part 3", "Conclusion"].map((heading) => ({
      heading,
      points: [],
      sources: [1, 2],
    })),
  };

  it("asks for more when short, keeping only what is cited, new and in the language", async () => {
    const { context, log } = contextOf("en", [TIDES, GAUGES], 300);
    const share = sectionShare(300, outline, 1);
    const text = await writer().section(context, outline, 1, []);
    const continued = llm.calls.filter((call) => call.messages.some((m) => m.role === "assistant"));
    expect(continued.length).toBeGreaterThan(0);
    expect(text.split("\n\n").length).toBeGreaterThan(1);
    // Every citation kept is one its source supports, and the model's own wrongly cited sentence lost its mark.
    const checked = precision(text, [TIDES, GAUGES], "en");
    expect(checked.citations).toBeGreaterThan(1);
    expect(checked.precise).toBe(checked.citations);
    expect(text).not.toContain("Tide gauges along the coast record the water level every six minutes [");
    expect(text).not.toMatch(/\[99\]|\[42\]|think/);
    // No paragraph says again what an earlier one said (the bench's duplicate rule, stricter: containment).
    const paragraphs = text.split(/\n{2,}/).map((paragraph) => ngrams(paragraph, "en"));
    paragraphs.forEach((grams, j) => {
      for (const earlier of paragraphs.slice(0, j)) expect(containment(grams, earlier)).toBeLessThanOrEqual(0.8);
    });
    const length = measureLength(text, "en");
    if (length < share * 0.85)
      expect(log.find((line) => line.key === "sectionShort")?.params).toMatchObject({ n: 2, length, share });
    else expect(length).toBeLessThanOrEqual(Math.ceil(share * 1.15));
  });

  it("shortens a section over its share by whole sentences, keeping its citations", async () => {
    const { context, log } = contextOf("en", [TIDES, GAUGES], 300);
    const tiny: Outline = { ...outline, sections: outline.sections.map((s) => ({ ...s })) };
    // 300 words over 40 sections: a share of a few words, which any answer overruns.
    tiny.sections = Array.from({ length: 40 }, (_, i) => ({ heading: `Part ${i + 1}`, points: [], sources: [1, 2] }));
    const share = sectionShare(300, tiny, 0);
    const text = await writer().section(context, tiny, 0, []);
    expect(citationsIn(text).length).toBeGreaterThan(0);
    expect(text).toMatch(/[.!?]$/);
    expect(log.find((line) => line.key === "sectionTrimmed")?.params).toMatchObject({ n: 1, share });
  });
});
