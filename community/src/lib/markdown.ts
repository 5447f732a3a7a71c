import { markdownToText } from "@inkstone/search";
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

/** `[n]` (not a link's text) → a superscript link to source n, when the article lists that many sources. */
function citations(sourceCount: number): TokenizerAndRendererExtension {
  const seen = new Set<number>();
  return {
    name: "citation",
    level: "inline",
    start: (src) => src.match(/\[\d{1,3}\]/)?.index,
    tokenizer(src) {
      const match = /^\[(\d{1,3})\](?![(:[])/.exec(src);
      const n = Number(match?.[1]);
      if (!match || n < 1 || n > sourceCount) return undefined;
      return { type: "citation", raw: match[0], n };
    },
    renderer(token) {
      const n = token.n as number;
      // The first citation of each source gets an id, so the source list can link back to it.
      const id = seen.has(n) ? "" : ` id="cite-${n}"`;
      seen.add(n);
      return `<sup class="cite"><a href="#source-${n}"${id}>[${n}]</a></sup>`;
    },
  };
}

/** An article body: Markdown with `[n]` citations linked to the numbered sources below it. */
export function renderArticle(markdown: string, sourceCount: number): string {
  const marked = new Marked({ gfm: true, async: false });
  marked.use({ extensions: [citations(sourceCount)] });
  const html = marked.parse(markdown, { async: false });
  return sanitizeHtml(html, ARTICLE_OPTIONS);
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
