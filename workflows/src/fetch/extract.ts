import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";

/**
 * A page's title and its readable text. `text` keeps the page's structure as blocks separated by blank lines:
 * paragraphs as they are, headings as `## …` lines and list items as `- …` lines, so sentences of different blocks
 * never run into each other.
 */
export type Extracted = { title: string; text: string };

/** Longest text kept per source: prompts take excerpts of it, and checkpoints (heartbeat details) carry it. */
export const MAX_SOURCE_CHARS = 8_000;

/** The readable text of a page (Readability over linkedom), or the text itself for plain text and Markdown. */
export function extractReadable(body: string, contentType: string, url: string): Extracted {
  if (contentType !== "text/html" && contentType !== "application/xhtml+xml") {
    const heading = /^\s*#\s+(.+)$/m.exec(body)?.[1];
    const title = clean(heading ?? fallbackTitle(url));
    return { title, text: finish(markdownBlocks(body), title) };
  }
  const { document } = parseHTML(body);
  const pageTitle = clean(document.querySelector("title")?.textContent ?? "");
  let article: { title?: string | null; content?: DomNode | null } | null = null;
  try {
    // Readability mutates the document; it is ours alone. The serializer hands back the element, not its HTML.
    article = new Readability<DomNode>(document as unknown as ConstructorParameters<typeof Readability>[0], {
      charThreshold: 200,
      serializer: (element) => element as unknown as DomNode,
    }).parse();
  } catch {
    // Readability gives up on some markup; the page's whole text below is still worth reading.
    article = null;
  }
  const fullTitle = clean(article?.title ?? "") || pageTitle;
  const title = withoutSiteName(fullTitle) || fallbackTitle(url);
  const root = article?.content ?? (document.body as unknown as DomNode | null);
  const blocks = root ? blocksOf(root) : [];
  return { title, text: finish(blocks, title, fullTitle, pageTitle, withoutSiteName(pageTitle)) };
}

/** The slice of the DOM the walk reads (linkedom's nodes, without depending on its types). */
type DomNode = {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
  getAttribute?: (name: string) => string | null;
};

const SKIPPED = new Set([
  "SCRIPT",
  "STYLE",
  "NOSCRIPT",
  "TEMPLATE",
  "NAV",
  "FOOTER",
  "HEADER",
  "ASIDE",
  "FORM",
  "BUTTON",
  "SELECT",
  "svg",
  "SVG",
  "IFRAME",
  "FIGCAPTION",
]);
const HEADINGS = new Set(["H1", "H2", "H3", "H4", "H5", "H6"]);
const BLOCKS = new Set([
  "P",
  "DIV",
  "SECTION",
  "ARTICLE",
  "MAIN",
  "BLOCKQUOTE",
  "PRE",
  "UL",
  "OL",
  "DL",
  "DT",
  "DD",
  "TABLE",
  "TR",
  "TD",
  "TH",
  "BR",
  "HR",
  "FIGURE",
  "ADDRESS",
  "CENTER",
]);
// Classes and ids of page furniture that some sites put inside the article's container.
const FURNITURE =
  /(^|[\s_-])(nav|menu|breadcrumb|footer|cookie|consent|share|social|related|comments?|sidebar|advert|ads?)([\s_-]|$)/i;

/** The blocks under `root`: each paragraph, heading (`## …`) and list item (`- …`) on its own. */
function blocksOf(root: DomNode): string[] {
  const blocks: string[] = [];
  let inline = "";
  const flush = () => {
    const text = inline.replace(/\s+/g, " ").trim();
    if (text) blocks.push(text);
    inline = "";
  };
  const walk = (node: DomNode) => {
    if (node.nodeType === 3) {
      inline += node.textContent ?? "";
      return;
    }
    if (node.nodeType !== 1) return;
    const name = node.nodeName.toUpperCase();
    if (SKIPPED.has(name) || SKIPPED.has(node.nodeName)) return;
    const marks = `${node.getAttribute?.("class") ?? ""} ${node.getAttribute?.("id") ?? ""} ${node.getAttribute?.("role") ?? ""}`;
    if (FURNITURE.test(marks) || /navigation|banner|contentinfo/.test(node.getAttribute?.("role") ?? "")) return;
    if (node.getAttribute?.("hidden") !== null && node.getAttribute?.("hidden") !== undefined) return;
    if (HEADINGS.has(name) || name === "LI") {
      flush();
      const text = (node.textContent ?? "").replace(/\s+/g, " ").trim();
      if (text) blocks.push(`${name === "LI" ? "-" : "##"} ${text}`);
      return;
    }
    const block = BLOCKS.has(name);
    if (block) flush();
    for (const child of Array.from(node.childNodes)) walk(child);
    if (block) flush();
  };
  walk(root);
  flush();
  return blocks;
}

/** Plain text and Markdown as blocks: blank-line paragraphs, `#` headings as `## …`, list items as `- …`. */
function markdownBlocks(body: string): string[] {
  const blocks: string[] = [];
  for (const paragraph of body.replace(/\r/g, "").split(/\n\s*\n/)) {
    let prose = "";
    const flush = () => {
      if (prose.trim()) blocks.push(prose.replace(/\s+/g, " ").trim());
      prose = "";
    };
    for (const line of paragraph.split("\n")) {
      const heading = /^\s*#{1,6}\s+(.+)$/.exec(line);
      const item = /^\s*(?:[-*+•]|\d+[.)])\s+(.+)$/.exec(line);
      if (heading || item) {
        flush();
        blocks.push(heading ? `## ${heading[1]?.trim()}` : `- ${item?.[1]?.trim()}`);
      } else prose += ` ${line}`;
    }
    flush();
  }
  return blocks;
}

// Lines that are about the site, not the subject.
const BOILERPLATE =
  /cookie|all rights reserved|copyright\s*(©|\(c\)|\d{4})|^©|subscribe to|sign up for|newsletter|share (this|on)|skip to (main )?content|版权所有|未经授权|转载请注明|分享到|扫一扫|关注我们|上一篇|下一篇|返回顶部|免责声明|用户协议|隐私政策/i;

/**
 * Drops the title where the page repeats it (as a heading, or glued to the front of the first paragraph), page
 * furniture and duplicates, then joins the blocks with blank lines and caps the length at a block boundary.
 */
function finish(blocks: string[], ...titles: string[]): string {
  const known = titles.map(normalized).filter((title) => title.length >= 2);
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const raw of blocks) {
    let block = raw.replace(/\s+/g, " ").trim();
    const marker = /^(## |- )/.exec(block)?.[0] ?? "";
    let content = block.slice(marker.length).trim();
    if (!content) continue;
    if (known.includes(normalized(content))) continue;
    if (!marker && kept.length < 3) content = withoutTitlePrefix(content, titles);
    if (content.length < 160 && BOILERPLATE.test(content)) continue;
    block = `${marker}${content}`;
    const key = normalized(block);
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(block);
  }
  // Headings with nothing after them (a trailing "Related articles") say nothing.
  while (kept.length && kept[kept.length - 1]?.startsWith("## ")) kept.pop();
  let text = "";
  let previous = "";
  for (const block of kept) {
    // Items of one list on consecutive lines, everything else a blank line apart.
    const glue = block.startsWith("- ") && previous.startsWith("- ") ? "\n" : "\n\n";
    previous = block;
    const next = text ? `${text}${glue}${block}` : block;
    if (next.length > MAX_SOURCE_CHARS) {
      if (!text) text = block.slice(0, MAX_SOURCE_CHARS);
      break;
    }
    text = next;
  }
  return text;
}

/**
 * "标题正文……" → "正文……": a title glued to the first paragraph (no separator in the page's text). A Chinese
 * title counts from six characters (a paragraph may well open with a short one, "潮汐能是……"); a Latin one only
 * when nothing separates it from the text (no space, or a separator such as " | ").
 */
function withoutTitlePrefix(content: string, titles: string[]): string {
  for (const title of titles) {
    const t = title.trim();
    if (t.length < 4 || !content.startsWith(t) || content.length <= t.length + 10) continue;
    const after = content.slice(t.length);
    const han = /\p{Script=Han}/u.test(t);
    const glued = han ? t.length >= 6 : /^(\p{Lu}|\p{Script=Han}|\s*[|｜–—:：]\s)/u.test(after);
    if (glued) return after.replace(/^[\s:：|｜\-–—]+/, "").trim();
  }
  return content;
}

/** "How tides work | Ocean Notes" → "How tides work": the site's name after the separator goes. */
function withoutSiteName(title: string): string {
  const parts = title.split(/\s+[|\-–—·]\s+|\s*[_｜|]\s*/);
  const first = parts[0]?.trim() ?? "";
  return parts.length > 1 && first.length >= 4 ? first : title;
}

function normalized(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, "")
    .trim();
}

function clean(value: string): string {
  return value.replace(/\s+/g, " ").trim().slice(0, 300);
}

function fallbackTitle(url: string): string {
  const { hostname, pathname } = new URL(url);
  return `${hostname}${pathname === "/" ? "" : pathname}`;
}
