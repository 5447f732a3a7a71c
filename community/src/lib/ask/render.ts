import type { Locale } from "@inkstone/config";
import { escapeHtml } from "@inkstone/search";
import { paths, t } from "../i18n/index.ts";
import { renderAnswer } from "../markdown.ts";
import type { AnswerMode, AnswerStatus, Citation } from "./events.ts";

/** A finished answer, as the CMS keeps it or as the worker's end event carries it. */
export type FinishedAnswer = {
  status: AnswerStatus;
  text: string;
  citations: readonly Citation[];
  mode: AnswerMode | null | undefined;
  error: string | null | undefined;
};

/**
 * A finished answer's HTML: what it is when that matters (stopped, failed, extractive), the text with its `[n]`
 * linked to the cited articles, why it failed, and the articles cited. The conversation page shows it, and the answer
 * stream sends the same HTML with its end, so a page that watched it being written ends up as a reload would show it.
 */
export function finishedAnswerHtml(answer: FinishedAnswer, locale: Locale): string {
  const a = t(locale).ask;
  const cited = [...answer.citations].sort((x, y) => x.n - y.n);
  const links = cited.map((c) => ({ href: paths.article(c.locale, c.slug), title: c.title }));
  const label =
    answer.status === "stopped"
      ? a.stopped
      : answer.status === "failed"
        ? a.failed
        : answer.mode === "extractive"
          ? a.extractive
          : undefined;
  const parts: string[] = [];
  if (label) parts.push(`<p class="answer-label" data-status="${answer.status}">${escapeHtml(label)}</p>`);
  const text = answer.text.trim();
  if (text) parts.push(`<div class="answer-text">${renderAnswer(text, links)}</div>`);
  else if (answer.status !== "failed") parts.push(`<p class="meta">${escapeHtml(a.empty)}</p>`);
  if (answer.status === "failed" && answer.error)
    parts.push(`<p class="answer-error">${escapeHtml(a.why)} ${escapeHtml(answer.error)}</p>`);
  if (cited.length)
    parts.push(
      `<h3 class="answer-sources-heading">${escapeHtml(a.sources)}</h3><ol class="answer-sources">${cited
        .map(
          (c, i) =>
            `<li value="${c.n}"><a href="${escapeHtml(links[i]?.href ?? "")}" hreflang="${c.locale}">${escapeHtml(c.title || c.slug)}</a></li>`,
        )
        .join("")}</ol>`,
    );
  return parts.join("");
}
