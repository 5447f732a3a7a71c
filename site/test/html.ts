// Reading the built site's HTML the way a crawler does: the head's tags, links, ids and JSON-LD, by regular
// expressions over VitePress's own predictable output (no DOM needed).
import { readdirSync } from "node:fs";
import { join } from "node:path";

/** Every page VitePress rendered, as its clean URL path (`/en/guide/getting-started`), 404 aside. */
export function builtPages(outDir: string): string[] {
  return readdirSync(outDir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".html") && file !== "404.html" && !file.startsWith("assets"))
    .map((file) => `/${file.replace(/(^|\/)index\.html$/, "$1").replace(/\.html$/, "")}`)
    .sort();
}

/** The file a clean URL path is served from. */
export const htmlFile = (outDir: string, page: string) =>
  join(outDir, page.endsWith("/") ? `${page}index.html` : `${page}.html`);

export const headOf = (html: string) => html.slice(0, html.indexOf("</head>"));

/** An attribute value as a browser reads it (VitePress escapes `&` in some tags and not in others). */
export const decodeEntities = (value: string) =>
  value.replace(/&(amp|lt|gt|quot|#39|#(\d+));/g, (_, name: string, code: string | undefined) =>
    code ? String.fromCharCode(Number(code)) : ({ amp: "&", lt: "<", gt: ">", quot: '"' }[name] ?? "'"),
  );

// Not named `meta`: an imported `meta` trips Vite's SSR transform, which also rewrites `import.meta`.
/** The `content` of the `<meta>` in the head whose `name` or `property` is `key`. */
export const metaContent = (html: string, key: string) => {
  const content = headOf(html).match(new RegExp(`<meta (?:name|property)="${key}" content="([^"]*)">`))?.[1];
  return content === undefined ? undefined : decodeEntities(content);
};

/** The text of the `<title>`. */
export const titleOf = (html: string) => decodeEntities(headOf(html).match(/<title>([^<]*)<\/title>/)?.[1] ?? "");

/** The `href` of every `<link rel="canonical">` in the head. */
export const canonicals = (html: string) =>
  [...headOf(html).matchAll(/<link rel="canonical" href="([^"]*)">/g)].map((match) => match[1]);

/** The head's hreflang alternates, as `{ hreflang: href }`. */
export const alternates = (html: string) =>
  Object.fromEntries(
    [...headOf(html).matchAll(/<link rel="alternate" hreflang="([^"]*)" href="([^"]*)">/g)].map((m) => [m[1], m[2]]),
  );

/** Every JSON-LD block in the head, parsed (a block that is not valid JSON throws). */
export const jsonLd = (html: string): Record<string, unknown>[] =>
  [...headOf(html).matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map(
    (match) => JSON.parse(match[1] ?? "") as Record<string, unknown>,
  );

/** The schema.org nodes of a JSON-LD block: its `@graph`, or the block itself. */
export const nodesOf = (block: Record<string, unknown>) =>
  (Array.isArray(block["@graph"]) ? block["@graph"] : [block]) as Record<string, unknown>[];

/** Every `<script>` opening tag in the document. */
export const scriptTags = (html: string) => [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);

/** Every `href` in the document, head and body, as a browser reads it. */
export const hrefsOf = (html: string) =>
  [...html.matchAll(/\shref="([^"]*)"/g)].map((match) => decodeEntities(match[1] ?? ""));

/** Every `id` in the document: the targets of `#fragment` links. */
export const idsOf = (html: string) =>
  new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((match) => decodeEntities(match[1] ?? "")));

export type SitemapEntry = { loc: string; links: Record<string, string> };

/** The sitemap's URLs, each with its `xhtml:link` alternates as `{ hreflang: href }`. */
export const sitemapEntries = (xml: string): SitemapEntry[] =>
  [...xml.matchAll(/<url><loc>([^<]+)<\/loc>(.*?)<\/url>/g)].map((match) => ({
    loc: match[1] ?? "",
    links: Object.fromEntries(
      [...(match[2] ?? "").matchAll(/<xhtml:link rel="alternate" hreflang="([^"]+)" href="([^"]+)"\/>/g)].map(
        (link) => [link[1], link[2]],
      ),
    ),
  }));
