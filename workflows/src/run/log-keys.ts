// What a run log line says, as a key and the values its text needs, so the community can word it in the page's
// language. The line's `message` stays the worker's English wording (its own log, and the fallback for a key a
// community does not know yet). Pure types: the workflow bundle imports this file.

/** Why a source was not read, for the creator: each has a text in the community's dictionaries. */
export const UNREAD_REASONS = [
  /** A private, loopback or unique-local address (the operator may allow those: FETCH_ALLOW_PRIVATE). */
  "private-address",
  /** Link-local (cloud metadata), unspecified or reserved: never read, whatever the configuration. */
  "forbidden-address",
  /** Not http or https. */
  "scheme",
  /** A user name or password in the URL. */
  "credentials",
  /** The name does not resolve. */
  "unresolvable",
  /** The server answered with an error status (`status`). */
  "http-status",
  /** Not a page that can be read (`type`: its media type). */
  "not-readable",
  "too-large",
  "timeout",
  "redirects",
  /** Extracted, the page held too little text to be a source. */
  "too-little-text",
  /** Any other network failure (`detail`). */
  "network",
  /** A community article the CMS could not give (`detail`). */
  "unavailable",
] as const;

/**
 * A draft shorter than asked: the sources hold `sentences` quotable sentences (`available` words or characters,
 * `used` of them taken without repeating one another), so the draft has `length` of the `target` asked for.
 */
export type Shortfall = {
  sentences: number;
  available: number;
  used: number;
  length: number;
  target: number;
  unit: "words" | "characters";
};

export type UnreadReason = (typeof UNREAD_REASONS)[number];

/** A source the run could not read, and why; listed on the run page and in the finished run's result. */
export type UnreadSource = {
  url: string;
  reason: UnreadReason;
  /** The HTTP status, for `http-status`. */
  status?: number;
  /** The media type, for `not-readable`. */
  type?: string;
  /** Where a redirect led, when that is what was refused. */
  target?: string;
  /** The worker's own words for `network` and `unavailable` (English, technical). */
  detail?: string;
};

/** Where research found a candidate source. */
export type ProviderId = "creator" | "community" | "searxng" | "serper";

/** Why the model's outline or section was asked for again or left out. */
export type WritingProblem = "empty" | "language" | "duplicate" | "uncited" | "json";

/** Each key and the values its text needs. */
export type RunLogParams = {
  started: { seconds: number };
  resumed: {
    attempt: number;
    seconds: number;
    research: boolean;
    sourcesRead?: number;
    outline: boolean;
    written?: number;
    sections?: number;
  };
  retryLost: Record<string, never>;
  retryShutdown: Record<string, never>;
  retryFailed: { attempt: number; reason: string };
  cancelled: Record<string, never>;
  failed: { reason: string };
  notifyFailed: Record<string, never>;
  webSearchOff: Record<string, never>;
  webSearchUnavailable: Record<string, never>;
  providerFailed: { provider: ProviderId; reason: string };
  providerFound: { provider: ProviderId; count: number };
  researchFound: { count: number };
  communityUnpublished: { url: string };
  communityArticle: { title: string };
  sourceRead: { title: string; chars: number };
  sourceUnread: UnreadSource;
  sourceDuplicate: { url: string; same: string };
  sourceOverLimit: { url: string; max: number };
  sourcesRead: { count: number; unread: number };
  noCitations: Record<string, never>;
  offlineWriter: Record<string, never>;
  tagsUnreadable: { reason: string };
  outline: { sections: number };
  outlineRetry: { problem: WritingProblem };
  outlineFallback: Record<string, never>;
  /** What the writer added to the model's outline: an introduction, a conclusion, `sections` body sections. */
  outlineCompleted: { introduction: boolean; conclusion: boolean; sections: number };
  sectionWritten: { n: number; total: number; heading: string };
  sectionRetry: { n: number; problem: WritingProblem };
  sectionLeftOut: { n: number; problem: WritingProblem };
  /** Sentences cited again to the source that holds them (`moved`), citations no source supports removed. */
  citationsChecked: { n: number; moved: number; removed: number };
  /** A section longer than its share of the target, shortened to `length`. */
  sectionTrimmed: { n: number; length: number; share: number; unit: "words" | "characters" };
  /** A section still short of its share after being asked for more. */
  sectionShort: { n: number; length: number; share: number; unit: "words" | "characters" };
  citationsDropped: { count: number };
  sourcesCited: { cited: number; total: number };
  draftSaved: { created: boolean; promptTokens: number; completionTokens: number; costUsd: string };
  modelQuiet: { model: string; seconds: number; limit: number };
  modelNoSchema: { model: string };
  modelRetry: { what: string; seconds: number };
  usageEstimated: Record<string, never>;
  /** `unit`: what the lengths count, words (English) or characters (Chinese). */
  offlinePlan: { sections: number; sentences: number; length: number; target: number; unit: "words" | "characters" };
  offlineShort: Shortfall;
  offlineQuotesMaterial: Record<string, never>;
  offlineMaterialUnquoted: Record<string, never>;
  /** Failures a creator can act on (the run's error, as well as its last log line). */
  noMaterial: Record<string, never>;
  noQuotable: { language: string };
  noSectionWritten: Record<string, never>;
};
export type RunLogKey = keyof RunLogParams;

/** A key with its values: what a log call adds to its English message. */
export type RunLogEntry = { [K in RunLogKey]: { key: K; params?: RunLogParams[K] } }[RunLogKey];
