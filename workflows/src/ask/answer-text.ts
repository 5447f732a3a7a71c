import { stripThinking } from "../llm/think.ts";
import { citationRenumbering, closeGaps } from "../writer/citations.ts";
import type { Citation } from "./contract.ts";
import type { Passage } from "./passages.ts";

/** An answer's text as the member reads it, and the articles its `[n]` name. */
export type ShapedAnswer = { text: string; citations: Citation[] };

/** The longest answer the CMS keeps. */
export const ANSWER_TEXT_LIMIT = 20_000;

// Control characters other than tab and line breaks: the CMS refuses them in stored text, and no reader wants them.
const CONTROL = /[^\P{Cc}\t\n\r]/gu;

// The end of a text that may still become a citation ("[", "[1", "[1, 2]") or a reasoning tag ("<thi").
const OPEN_CITATION = /\[[\d\s,，、;\-–]*\]?$/;
const OPEN_TAG = /<\/?[a-z]{0,6}$/i;

/**
 * What a model has written so far, shaped for the reader: reasoning blocks removed (an unfinished one held back),
 * citations renumbered 1..k by first appearance and those naming no passage dropped (with the space before them),
 * and a citation, a tag or a space that may still change held back. Each call's text is the beginning of the next one's, so the difference can be
 * streamed; the final text (`final`) is trimmed and complete.
 */
export function shapeAnswer(raw: string, passages: readonly Passage[], { final }: { final: boolean }): ShapedAnswer {
  let text: string;
  if (final) text = stripThinking(raw);
  else {
    text = raw.replace(/<think>[\s\S]*?<\/think>/gi, "").replace(/<think>[\s\S]*$/i, "");
    text = text.replace(OPEN_TAG, "").trimStart();
  }
  const renumbering = citationRenumbering((n) => passages[n - 1] !== undefined);
  if (!final) {
    const open = OPEN_CITATION.exec(text);
    if (open) text = text.slice(0, open.index);
    // Held back too: a space may yet be closed up ("… exist [99]." reads "… exist.").
    text = text.trimEnd();
  }
  text = closeGaps(renumbering.rewrite(text)).replace(CONTROL, "");
  return { text, citations: citationsOf(renumbering.cited, passages) };
}

/** `text` within what the CMS keeps, never cutting a character in two. */
export function withinLimit(text: string): string {
  return text.length <= ANSWER_TEXT_LIMIT ? text : text.slice(0, ANSWER_TEXT_LIMIT).replace(/[\uD800-\uDBFF]$/, "");
}

/** Citations for the passages `cited` names (original numbers, in their new order 1..k). */
export function citationsOf(cited: readonly number[], passages: readonly Passage[]): Citation[] {
  return cited.flatMap((n, index) => {
    const passage = passages[n - 1];
    return passage
      ? [
          {
            n: index + 1,
            documentId: passage.documentId,
            locale: passage.locale,
            slug: passage.slug,
            title: passage.title.slice(0, 200),
          },
        ]
      : [];
  });
}
