import type {
  CancelOutcome,
  ProviderId,
  RunLogKey,
  RunLogParams,
  Stage,
  UnreadReason,
  UnreadSource,
  WritingProblem,
} from "@inkstone/workflows/client";

/** A duration as a reader of English says it: "0.4 s", "12 s", "3 min 5 s", "1 h 2 min". */
function duration(seconds: number): string {
  if (seconds < 10) return `${Math.max(0, seconds).toFixed(1)} s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${whole % 60} s`;
  return `${Math.floor(whole / 3600)} h ${Math.floor((whole % 3600) / 60)} min`;
}

const stages: Record<Stage, string> = {
  queued: "Waiting in the queue",
  resuming: "Waiting to resume",
  research: "Research",
  read: "Reading sources",
  outline: "Outline",
  write: "Writing sections",
  assemble: "Citations",
  save: "Saving the draft",
  done: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
};

const providers: Record<ProviderId, string> = {
  creator: "Your URLs",
  community: "The community's articles",
  searxng: "Web search (SearXNG)",
  serper: "Web search (Serper)",
};

const problems: Record<WritingProblem, string> = {
  empty: "was empty",
  language: "was not in the article's language",
  duplicate: "repeated another section",
  uncited: "cited no source that was read",
  json: "was not a readable outline",
};

/** Why a source was not read, for its creator: what happened, and where it helps, what to do. */
const unread: Record<UnreadReason, (source: UnreadSource) => string> = {
  "private-address": () => "it points to a private network address, which this site does not read",
  "forbidden-address": () => "it points to an address that is never read (link-local or reserved)",
  scheme: () => "only http and https addresses can be read",
  credentials: () => "addresses with a user name or password are not read",
  unresolvable: () => "its host name does not exist (check the spelling)",
  "http-status": (source) => `the site answered with an error (${source.status ?? "?"})`,
  "not-readable": (source) => `it is not a page that can be read (${source.type || "no content type"})`,
  "too-large": () => "the page is too large to read",
  timeout: () => "the site did not answer in time",
  redirects: () => "it redirects too many times",
  "too-little-text": () => "the page has too little readable text",
  network: () => "the site could not be reached",
  unavailable: () => "the article could not be read just now",
};

const unreadText = (source: UnreadSource) =>
  `${(unread[source.reason] ?? unread.network)(source)}${source.target ? ` (after a redirect to ${source.target})` : ""}`;

const languages: Record<string, string> = { "zh-CN": "Chinese", en: "English" };

/** Each run log key in English; a line whose key is not here shows the worker's own message. */
const log: { [K in RunLogKey]: (params: RunLogParams[K]) => string } = {
  started: (p) => `Started after ${duration(p.seconds)} in the queue.`,
  resumed: (p) => {
    const done = [
      p.research ? "research" : "",
      p.sourcesRead !== undefined ? `${p.sourcesRead} sources read` : "",
      p.outline ? "outline" : "",
      p.written !== undefined && p.sections !== undefined ? `${p.written} of ${p.sections} sections written` : "",
    ].filter(Boolean);
    return `Resumed (attempt ${p.attempt}) after waiting ${duration(p.seconds)}; ${
      done.length ? `already done: ${done.join(", ")}.` : "nothing was finished before, so it starts over."
    }`;
  },
  retryLost: () => "The worker writing this article stopped answering; the run resumes from its last finished step.",
  retryShutdown: () => "The worker was shut down; the run resumes from its last finished step on the next free slot.",
  retryFailed: (p) => `Attempt ${p.attempt} failed (${p.reason}); trying again.`,
  cancelled: () => "Cancelled.",
  failed: (p) => `The run failed: ${p.reason}`,
  notifyFailed: () => "You could not be sent a notification of the failure.",
  webSearchOff: () => "Web search is off for this article.",
  webSearchUnavailable: () =>
    "Web search was asked for, but this site has no search provider: only your URLs, your material and the community's articles are read.",
  providerFailed: (p) => `${providers[p.provider] ?? p.provider} could not be searched (${p.reason}).`,
  providerFound: (p) => `${providers[p.provider] ?? p.provider}: ${p.count} new source(s) to read.`,
  researchFound: (p) => `Research found ${p.count} candidate source(s).`,
  communityUnpublished: (p) => `Skipped ${p.url}: no longer published.`,
  communityArticle: (p) => `Community article: ${p.title}`,
  sourceRead: (p) => `Read “${p.title}” (${p.chars.toLocaleString("en")} characters).`,
  sourceUnread: (p) => `Could not read ${p.url}: ${unreadText(p)}.`,
  sourceDuplicate: (p) => `Skipped ${p.url}: same text as ${p.same}.`,
  sourceOverLimit: (p) => `Skipped ${p.url}: the run already has ${p.max} sources.`,
  sourcesRead: (p) => `${p.count} source(s) read; ${p.unread} could not be read.`,
  noCitations: () => "No source could be read: the article is written without citations.",
  offlineWriter: () =>
    "No language model is configured here: the offline writer composes the article from its sources.",
  tagsUnreadable: () => "The community's tags could not be read; no tags are suggested.",
  outline: (p) => `Outline: ${p.sections} sections.`,
  outlineRetry: (p) => `The outline ${problems[p.problem] ?? p.problem}; asking once more.`,
  outlineFallback: () => "The model gave no usable outline; one built from the sources is used.",
  outlineCompleted: (p) =>
    `The model's outline lacked ${[p.introduction ? "an introduction" : "", p.conclusion ? "a conclusion" : "", p.sections ? `${p.sections} section(s)` : ""].filter(Boolean).join(" and ")}: added.`,
  sectionWritten: (p) => `Section ${p.n}/${p.total} written: ${p.heading}`,
  sectionRetry: (p) => `Section ${p.n} ${problems[p.problem] ?? p.problem}; asking once more.`,
  sectionLeftOut: (p) => `Section ${p.n} left out: it ${problems[p.problem] ?? p.problem} twice.`,
  citationsChecked: (p) =>
    `Section ${p.n}: ${p.moved} sentence(s) cited again to the source that holds them, ${p.removed} citation(s) no source supports removed.`,
  sectionTrimmed: (p) => `Section ${p.n} shortened to ${p.length} of its ${p.share} ${p.unit}.`,
  sectionShort: (p) => `Section ${p.n} is short: ${p.length} of its ${p.share} ${p.unit}.`,
  citationsDropped: (p) => `${p.count} citation(s) named sources that were not read and were removed.`,
  sourcesCited: (p) => `${p.cited} of ${p.total} sources cited.`,
  draftSaved: (p) =>
    `Draft saved (${p.created ? "new" : "updated"}); ${p.promptTokens} prompt and ${p.completionTokens} completion tokens, $${p.costUsd}.`,
  modelQuiet: (p) => `The language model ${p.model} has sent nothing for ${p.seconds} s; waiting up to ${p.limit} s.`,
  modelNoSchema: (p) => `The language model ${p.model} does not take a JSON schema; asking without one.`,
  modelRetry: (p) => `Waiting to retry: model ${p.what}, ${p.seconds} s.`,
  usageEstimated: () => "The model did not report token usage; counts are estimated.",
  offlinePlan: (p) =>
    `Offline writer: ${p.sections} sections from ${p.sentences} quotable sentences, ${p.length} of ${p.target} ${p.unit}.`,
  offlineShort: (p) =>
    `The draft is shorter than asked: the sources hold ${p.sentences} quotable sentences (${p.available} ${p.unit}, ${p.used} used without repeating one another), so the draft has ${p.length} of the ${p.target} ${p.unit} asked for.`,
  offlineQuotesMaterial: () =>
    "The sources hold little to quote: the draft also quotes your pasted references and files.",
  offlineMaterialUnquoted: () =>
    "The offline writer quotes only sources it can cite; your pasted references and files are not quoted.",
  noMaterial: () =>
    "None of the sources could be read and no references or files were given, so there was nothing to write from. See below why each source could not be read, then retry with sources that can be read, or paste references or upload a file.",
  noQuotable: (p) =>
    `The sources that could be read have no ${languages[p.language] ?? p.language} sentences to quote (without a language model, articles are written by quoting, not translating). Add sources in ${languages[p.language] ?? p.language}.`,
  noSectionWritten: () =>
    "No section could be written in the article's language, citing its sources, without repeating itself. Try again with other sources.",
};

/** The studio's and the run page's words for generation runs, in English (generation.zh-CN.ts has the same keys). */
export const generationEn = {
  duration,
  stages,
  providers,
  unread: unreadText,
  log,
  /** What a cancel did (the run page's message, and the JSON answer's). */
  cancel: {
    cancelled: "The run is cancelled. Nothing was saved.",
    already_done: "The run had already finished: its draft is saved, and kept.",
    already_failed: "The run had already failed; there was nothing to cancel.",
    already_cancelled: "The run was already cancelled.",
  } satisfies Record<CancelOutcome, string>,
  retry: {
    button: "Retry with the same inputs",
    startFrom: "Start a new run from these inputs",
    started: "The run starts again with the same inputs.",
    alreadyDone: "This run already made a draft. To write another, start a new run from its inputs.",
    stillRunning: "This run is still queued or running: wait for it, or cancel it first.",
    forbidden: "Only the run's creator can start it again.",
  },
  form: {
    privateAddress: (line: string) => `“${line}” points to a private network address, which cannot be read here.`,
    forbiddenAddress: (line: string) => `“${line}” points to an address that is never read (link-local or reserved).`,
    credentials: (line: string) => `“${line}” contains a user name or password: remove them.`,
    unresolvable: (line: string, host: string) =>
      `“${line}”: the host name ${host} does not exist. Check the spelling.`,
    webSearchUnavailable:
      "Web search is not available: this site has no search provider configured. Your URLs, your material and the community's articles are still read.",
    fromRun: (topic: string) => `Filled in from your run “${topic}”. Change what you like, then start it.`,
    fromRunMissing: "There is no such run of yours to start from, so the form is empty.",
    keptFiles: "Files from that run",
    keptFilesHint: "Kept unless you untick them.",
  },
  page: {
    openDraft: "Open the draft in your studio",
    draftSaved: "The draft is saved. Edit it in your studio, then send it to an editor:",
    stageTimes: "Time per stage",
    stage: "Stage",
    attempt: "Attempt",
    startedAt: "Began",
    took: "Took",
    ongoing: (so: string) => `${so} so far`,
    unreadTitle: "Sources that could not be read",
    unreadIntro: "The run went on with the sources it could read. These it could not:",
    logNewestFirst: "Newest first.",
    logPages: "Log pages",
  },
};

export type GenerationStrings = typeof generationEn;
