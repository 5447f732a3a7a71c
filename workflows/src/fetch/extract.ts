import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";

export type Extracted = { title: string; text: string };

/** Longest text kept per source: prompts take excerpts of it, and checkpoints (heartbeat details) carry it. */
export const MAX_SOURCE_CHARS = 8_000;

/** The readable text of a page (Readability over linkedom), or the text itself for plain text and Markdown. */
export function extractReadable(body: string, contentType: string, url: string): Extracted {
  if (contentType !== "text/html" && contentType !== "application/xhtml+xml") {
    const heading = /^\s*#\s+(.+)$/m.exec(body)?.[1];
    return { title: clean(heading ?? fallbackTitle(url)), text: tidy(body) };
  }
  const { document } = parseHTML(body);
  const pageTitle = clean(document.querySelector("title")?.textContent ?? "");
  let article: { title?: string | null; textContent?: string | null } | null = null;
  try {
    // Readability mutates the document; it is ours alone.
    article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0], {
      charThreshold: 200,
    }).parse();
  } catch {
    // Readability gives up on some markup; the page's whole text below is still worth reading.
    article = null;
  }
  const text = tidy(article?.textContent ?? document.body?.textContent ?? "");
  return { title: clean(article?.title ?? "") || pageTitle || fallbackTitle(url), text };
}

function clean(value: string): string {
  return value.replace(/\s+/g, " ").trim().slice(0, 300);
}

/** Collapses runs of spaces, keeps paragraph breaks, and caps the length. */
function tidy(text: string): string {
  return text
    .replace(/\r/g, "")
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, " ").trim())
    .filter(Boolean)
    .join("\n\n")
    .slice(0, MAX_SOURCE_CHARS);
}

function fallbackTitle(url: string): string {
  const { hostname, pathname } = new URL(url);
  return `${hostname}${pathname === "/" ? "" : pathname}`;
}
