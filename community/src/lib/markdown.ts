import { escapeHtml, markdownToText } from "@inkstone/search";
import { Marked, type TokenizerAndRendererExtension } from "marked";
import sanitizeHtml from "sanitize-html";

/**
 * Markdown to safe HTML: marked renders, then sanitize-html keeps only an allow-list — no script, style, iframe,
 * form or event-handler attribute survives, and links may only be http, https or mailto.
 */

const SCHEMES = ["http", "https", "mailto"];

const COMMENT_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ["p", "br", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a"],
  allowedAttributes: { a: ["href", "rel"] },
  allowedSchemes: SCHEMES,
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  // Members' links: not endorsed (nofollow ugc), and the opened page gets no handle on ours.
  transformTags: { a: sanitizeHtml.simpleTransform("a", { rel: "nofollow ugc noopener" }) },
};

const ARTICLE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    ...(COMMENT_OPTIONS.allowedTags as string[]),
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "sup",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
  ],
  allowedAttributes: {
    a: ["href", "rel", "title", "id"],
    img: ["src", "alt", "title"],
    sup: ["class"],
    code: ["class"],
    th: ["align"],
    td: ["align"],
  },
  allowedClasses: { sup: ["cite"], code: ["language-*"] },
  allowedSchemes: SCHEMES,
  allowedSchemesByTag: { img: ["http", "https"] },
  allowedSchemesAppliedToAttributes: ["href", "src"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  transformTags: {
    // The page has its own h1: a heading 1 in the body becomes a section heading.
    h1: "h2",
    a: (tagName, attribs) => {
      const { id, rel: _rel, ...rest } = attribs;
      // Only our own citation anchors keep an id; outbound links give the opened page no handle on ours.
      const kept = id && /^cite-\d+$/.test(id) ? { ...rest, id } : rest;
      return { tagName, attribs: /^https?:/i.test(rest.href ?? "") ? { ...kept, rel: "noopener" } : kept };
    },
  },
};

/** `[n]` (not a link's text) → a superscript link rendered by `render`, for the n it knows (1 to `count`). */
function citations(count: number, render: (n: number) => string): TokenizerAndRendererExtension {
  return {
    name: "citation",
    level: "inline",
    start: (src) => src.match(/\[\d{1,3}\]/)?.index,
    tokenizer(src) {
      const match = /^\[(\d{1,3})\](?![(:[])/.exec(src);
      const n = Number(match?.[1]);
      if (!match || n < 1 || n > count) return undefined;
      return { type: "citation", raw: match[0], n };
    },
    renderer: (token) => `<sup class="cite">${render(token.n as number)}</sup>`,
  };
}

/** An article body: Markdown with `[n]` citations linked to the numbered sources below it. */
export function renderArticle(markdown: string, sourceCount: number): string {
  const seen = new Set<number>();
  const marked = new Marked({ gfm: true, async: false });
  marked.use({
    extensions: [
      citations(sourceCount, (n) => {
        // The first citation of each source gets an id, so the source list can link back to it.
        const id = seen.has(n) ? "" : ` id="cite-${n}"`;
        seen.add(n);
        return `<a href="#source-${n}"${id}>[${n}]</a>`;
      }),
    ],
  });
  const html = marked.parse(markdown, { async: false });
  return sanitizeHtml(html, ARTICLE_OPTIONS);
}

const ANSWER_OPTIONS: sanitizeHtml.IOptions = {
  ...ARTICLE_OPTIONS,
  // No images: an answer is written by a model, and an image would be fetched from wherever it says.
  allowedTags: (ARTICLE_OPTIONS.allowedTags as string[]).filter((tag) => tag !== "img"),
  allowedAttributes: { ...ARTICLE_OPTIONS.allowedAttributes, a: ["href", "rel", "title"] },
  transformTags: {
    h1: "h3",
    h2: "h3",
    // The answer's own links (not its citations of our articles) are not endorsed.
    a: (tagName, attribs) => ({
      tagName,
      attribs: /^https?:/i.test(attribs.href ?? "") ? { ...attribs, rel: "nofollow noopener" } : attribs,
    }),
  },
};

/** An answer of Ask Inkstone: Markdown whose `[n]` link to the articles cited (`cited[n - 1]`), nothing executable. */
export function renderAnswer(markdown: string, cited: readonly { href: string; title: string }[]): string {
  const marked = new Marked({ gfm: true, async: false, breaks: true });
  marked.use({
    extensions: [
      citations(cited.length, (n) => {
        const to = cited[n - 1];
        return to ? `<a href="${escapeHtml(to.href)}" title="${escapeHtml(to.title)}">[${n}]</a>` : `[${n}]`;
      }),
    ],
  });
  return sanitizeHtml(marked.parse(markdown, { async: false }), ANSWER_OPTIONS);
}

const commentMarked = new Marked({ gfm: true, async: false, breaks: true });

/** A member's comment: the Markdown subset, links marked nofollow ugc, nothing executable. */
export function renderComment(markdown: string): string {
  return sanitizeHtml(commentMarked.parse(markdown, { async: false }), COMMENT_OPTIONS);
}

/** Plain text of Markdown, for descriptions and feeds (escaped again wherever it is written out). */
export function plainText(markdown: string, max = 300): string {
  const text = markdownToText(markdown);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
