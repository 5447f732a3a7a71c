import { describe, expect, it } from "vitest";
import { plainText, renderArticle, renderComment } from "../src/lib/markdown.ts";

const SAFE_TAGS = new Set(
  "p br em strong del code pre blockquote ul ol li a h2 h3 h4 h5 h6 hr sup img table thead tbody tr th td".split(" "),
);
const TAG = /<\/?([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z-]+(?:="[^"]*")?)*)\s*\/?>/g;
const ATTRIBUTE = /\s+([a-zA-Z-]+)(?:="([^"]*)")?/g;
const decode = (value: string) =>
  value
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");

/**
 * Inert means: only allow-listed elements, no event-handler attributes, every href and src either relative or
 * http(s)/mailto, and no markup left once those tags are taken out (text `<` is escaped, so it cannot open a tag).
 */
function expectInert(html: string): void {
  const rest = html.replace(TAG, (_whole, name: string, attributes: string) => {
    expect(SAFE_TAGS.has(name.toLowerCase()), `<${name}> in ${html}`).toBe(true);
    for (const [, attribute = "", value = ""] of attributes.matchAll(ATTRIBUTE)) {
      expect(attribute.toLowerCase(), `${attribute} in ${html}`).not.toMatch(/^on|^srcdoc$|^style$|^formaction$/);
      if (/^(href|src)$/i.test(attribute)) {
        const target = decode(value)
          .replace(/[\s\p{Cc}]/gu, "")
          .toLowerCase();
        expect(/^(https?:|mailto:)/.test(target) || !target.includes(":"), `${attribute}="${value}" in ${html}`).toBe(
          true,
        );
      }
    }
    return "";
  });
  expect(rest, html).not.toContain("<");
}

const PAYLOADS: [string, string][] = [
  ["a script tag", "<script>alert(1)</script>"],
  ["an image with onerror", '<img src=x onerror="alert(1)">'],
  ["an svg with onload", "<svg onload=alert(1)><circle/></svg>"],
  ["an iframe", '<iframe src="https://evil.example/"></iframe>'],
  ["a srcdoc iframe", '<iframe srcdoc="<script>alert(1)</script>"></iframe>'],
  ["a javascript: Markdown link", "[click](javascript:alert(1))"],
  ["a javascript: link with spaces and case", "[click]( JaVaScRiPt:alert(1) )"],
  ["an entity-encoded javascript: link", '<a href="&#106;avascript:alert(1)">x</a>'],
  ["a vbscript: link", "[x](vbscript:msgbox(1))"],
  ["a data: URL link", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"],
  ["an autolink to javascript:", "<javascript:alert(1)>"],
  ["a style tag", "<style>body{display:none}</style>"],
  ["an inline event on a paragraph", '<p onclick="alert(1)">hi</p>'],
  ["a form", '<form action="https://evil.example"><input name="x"></form>'],
  ["an object", '<object data="evil.swf"></object>'],
  ["a Markdown image with onerror smuggled in the title", '![x](https://e.example/a.png "x\\" onerror=\\"alert(1)")'],
  ["a reference-style javascript: link", "[x][1]\n\n[1]: javascript:alert(1)"],
  ["nested tags to confuse the parser", "<scr<script>ipt>alert(1)</scr</script>ipt>"],
  ["a broken attribute quote", '<a href="https://ok.example" onmouseover="alert(1)">x</a>'],
];

describe.each([
  ["comments", renderComment],
  ["articles", (md: string) => renderArticle(md, 3)],
])("sanitising %s", (_kind, render) => {
  it.each(PAYLOADS)("renders %s inert", (_name, payload) => {
    expectInert(render(`Before ${payload} after`));
  });

  it("keeps http, https and mailto links", () => {
    const html = render("[a](https://a.example/x) [b](http://b.example) [c](mailto:c@example.org)");
    expect(html).toContain('href="https://a.example/x"');
    expect(html).toContain('href="http://b.example"');
    expect(html).toContain('href="mailto:c@example.org"');
  });
});

describe("comments", () => {
  it("renders the Markdown subset", () => {
    const html = renderComment("*em* **strong** `code`\n\n> quote\n\n- one\n- two");
    expect(html).toContain("<em>em</em>");
    expect(html).toContain("<strong>strong</strong>");
    expect(html).toContain("<code>code</code>");
    expect(html).toContain("<blockquote>");
    expect(html).toContain("<li>one</li>");
  });

  it("marks every link nofollow ugc noopener, whatever rel was given", () => {
    const html = renderComment('[x](https://x.example) <a href="https://y.example" rel="me">y</a>');
    expect(html.match(/rel="nofollow ugc noopener"/g)).toHaveLength(2);
    expect(html).not.toContain('rel="me"');
  });

  it("drops headings, images and tables (not part of the subset)", () => {
    const html = renderComment("# Big\n\n![i](https://e.example/i.png)\n\n|a|b|\n|-|-|\n|1|2|");
    expect(html).not.toMatch(/<h1|<img|<table/);
    expect(html).toContain("Big");
  });
});

describe("articles", () => {
  it("links [n] citations to the numbered sources, the first of each with a back-reference id", () => {
    const html = renderArticle("Claim [1]. Again [1]. Other [2]. Out of range [3]. A [link](https://e.example).", 2);
    expect(html).toContain('<sup class="cite"><a href="#source-1" id="cite-1">[1]</a></sup>');
    expect(html.match(/href="#source-1"/g)).toHaveLength(2);
    expect(html.match(/id="cite-1"/g)).toHaveLength(1);
    expect(html).toContain('href="#source-2" id="cite-2"');
    expect(html).toContain("Out of range [3]");
    expect(html).toContain('<a href="https://e.example" rel="noopener">link</a>');
  });

  it("demotes a body h1 to h2 (the page has its own) and drops foreign ids", () => {
    const html = renderArticle('# Title\n\n<a id="x" href="https://e.example">x</a>', 0);
    expect(html).toContain("<h2>Title</h2>");
    expect(html).not.toContain('id="x"');
  });
});

describe("plainText", () => {
  it("strips Markdown and HTML and shortens", () => {
    expect(plainText("**Tom** & <b>Jerry</b> `x`")).toBe("Tom & Jerry x");
    expect(plainText("a ".repeat(400), 20)).toHaveLength(20);
  });
});
