import type { Locale } from "@inkstone/config";
import type { LogLine, RunLogKey, RunLogParams, RunView, Stage } from "@inkstone/workflows/client";
import type { Pagination } from "./cms/schemas.ts";
import { t } from "./i18n/index.ts";
import { requestLog } from "./request-context.ts";

/** A run's log and failure in the page's language, its time per stage, and its log a page at a time. */

/** `key` with `params` in `locale`; undefined when the key is unknown here or its values do not fit the text. */
function worded(locale: Locale, key: RunLogKey | undefined, params: unknown): string | undefined {
  if (!key) return undefined;
  const text = t(locale).generation.log[key] as ((params: unknown) => string) | undefined;
  if (!text) return undefined;
  try {
    return text(params ?? {});
  } catch (error) {
    // A line from a worker of another version: its English message is still there.
    requestLog().debug({ err: error, key }, "a run log line could not be worded");
    return undefined;
  }
}

/** A log line as the page shows it: its key's text in `locale`, else the worker's English message. */
export function runLine(locale: Locale, line: LogLine): string {
  return worded(locale, line.key, line.params) ?? line.message;
}

/** Why the run failed, in `locale` when it says so by key. */
export function runFailure(
  locale: Locale,
  run: { error?: string; errorKey?: RunLogKey; errorParams?: RunLogParams[RunLogKey] },
): string | undefined {
  return worded(locale, run.errorKey, run.errorParams) ?? run.error;
}

/** A stage's name in `locale`. */
export function stageName(locale: Locale, stage: Stage): string {
  return t(locale).generation.stages[stage] ?? stage;
}

/** One row of the time-per-stage table: when a stage began and how long it lasted (or has lasted so far). */
export type StageTime = { stage: Stage; attempt: number; at: string; seconds: number; ongoing: boolean };

/** Each stage of the run with its duration: until the next stage began, or (the current one) until `now`. */
export function stageTimes(run: Pick<RunView, "timeline" | "status">, now = Date.now()): StageTime[] {
  const ended = run.status === "done" || run.status === "failed" || run.status === "cancelled";
  const rows: StageTime[] = [];
  run.timeline.forEach((mark, index) => {
    const next = run.timeline[index + 1];
    // The end itself has no duration.
    if (!next && ended) return;
    const until = next ? Date.parse(next.at) : now;
    rows.push({
      stage: mark.stage,
      attempt: mark.attempt,
      at: mark.at,
      seconds: Math.max(0, (until - Date.parse(mark.at)) / 1000),
      ongoing: !next,
    });
  });
  return rows;
}

/** Log lines per page of the run page. */
export const LOG_PAGE_SIZE = 25;

/** Page `page` of the log, newest line first, and where it is among the pages (a page past the end is the last). */
export function logPage(log: readonly LogLine[], page: number): { lines: LogLine[]; pagination: Pagination } {
  const pageCount = Math.max(1, Math.ceil(log.length / LOG_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pageCount);
  const newestFirst = [...log].reverse();
  return {
    lines: newestFirst.slice((current - 1) * LOG_PAGE_SIZE, current * LOG_PAGE_SIZE),
    pagination: { page: current, pageSize: LOG_PAGE_SIZE, pageCount, total: log.length },
  };
}
