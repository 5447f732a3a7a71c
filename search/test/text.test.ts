import { describe, expect, it } from "vitest";
import { titleBigrams } from "../src/document.ts";
import { escapeHtml, highlightToHtml, markdownToText, toIndexDocument } from "../src/index.ts";
import { truncate } from "../src/markdown.ts";
import { article } from "./support/articles.ts";

const [PRE, POST] = ["\uE000", "\uE001"];

describe("markdownToText keeps what a reader sees", () => {
  it.each([
    ["headings and emphasis", "# Title\n\nSome **bold** and _italic_ text", "Title Some bold and italic text"],
    ["links keep their text, not the URL", "See [the docs](https://example.com/x) now", "See the docs now"],
    ["images keep their alt text", "![a cat](cat.png) sleeps", "a cat sleeps"],
    ["code survives without fences", "```ts\nconst snake_case = 1;\n```", "const snake_case = 1;"],
    ["inline code loses its backticks", "Use `npm test` here", "Use npm test here"],
    ["lists and quotes", "- one\n- [x] two\n1. three\n> quoted", "one two three quoted"],
    ["HTML is dropped, entities decoded", "<div onclick=x>Hi &amp; bye</div><!-- note -->", "Hi & bye"],
    ["reference links and definitions", "A [ref][1] here\n\n[1]: https://example.com", "A ref here"],
    ["tables", "| a | b |\n|---|---|\n| 1 | 2 |", "a b 1 2"],
    ["Chinese text", "## 写作\n\n人工**智能**改变写作。", "写作 人工智能改变写作。"],
  ])("%s", (_name, markdown, text) => {
    expect(markdownToText(markdown)).toBe(text);
  });

  it("truncates long text at a word boundary with an ellipsis", () => {
    expect(truncate("one two three four", 12)).toBe("one two…");
    expect(truncate("short", 12)).toBe("short");
    expect([...truncate("写".repeat(700), 600)]).toHaveLength(601);
  });
});

describe("highlightToHtml", () => {
  it.each([
    ["escapes everything, then marks matches", `<b>${PRE}x${POST}</b>`, "&lt;b&gt;<mark>x</mark>&lt;/b&gt;"],
    ["quotes and ampersands", `"a" & 'b'`, "&quot;a&quot; &amp; &#39;b&#39;"],
    ["closes a mark left open", `${PRE}cut`, "<mark>cut</mark>"],
    ["drops a stray closing marker", `a${POST}b`, "ab"],
    ["does not nest marks", `${PRE}a${PRE}b${POST}`, "<mark>ab</mark>"],
  ])("%s", (_name, input, html) => {
    expect(highlightToHtml(input)).toBe(html);
  });

  it("escapes attribute-breaking characters", () => {
    expect(escapeHtml(`" onmouseover="x`)).toBe("&quot; onmouseover=&quot;x");
  });
});

describe("toIndexDocument", () => {
  it("keys the document by article and locale and puts the text under its language", () => {
    const doc = toIndexDocument(
      article({ documentId: "abc", locale: "zh-CN", title: "人工智能改变写作", publishedAt: "2024-02-01T00:00:00Z" }),
    );
    expect(doc.id).toBe("abc-zh-CN");
    expect(doc.language).toBe("zh-CN");
    expect(doc.publishedAt).toBe(Date.UTC(2024, 1, 1) / 1000);
    expect(doc.zh?.title).toBe("人工智能改变写作");
    expect(doc.en).toBeUndefined();
  });

  it("strips highlight markers from author text so nobody can forge a <mark>", () => {
    const doc = toIndexDocument(article({ documentId: "m", title: `${PRE}fake${POST}` }));
    expect(doc.en?.title).toBe("fake");
  });

  it("refuses ids Meilisearch would refuse, with a message", () => {
    expect(() => toIndexDocument(article({ documentId: "a/b" }))).toThrow(/ids allow only/);
    expect(() => toIndexDocument(article({ documentId: "ok", publishedAt: "soon" }))).toThrow(/not a date/);
  });

  it("indexes each pair of adjacent Han characters in a title", () => {
    expect(titleBigrams("用 TypeScript 写作工具")).toBe("写作 作工 工具");
    expect(titleBigrams("English only")).toBe("");
  });
});
