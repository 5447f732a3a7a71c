import type { GenerationInput } from "../generation/request.ts";
import type { ProviderId, RunLogEntry } from "../run/log-keys.ts";
import type { LogLine } from "../run/run-state.ts";

/** Where a source came from: the creator's URLs, the community's own articles, or a web search. */
export type SourceOrigin = "creator" | "community" | "searxng" | "serper";

/** Something research found: a URL to read, or (community articles) text already in hand. */
export type Candidate = { url: string; title: string; snippet: string; origin: SourceOrigin; text?: string };

/** A source that was read; only these can be cited. */
export type ReadSource = { url: string; title: string; text: string; origin: SourceOrigin };

/**
 * Appends a line to the run log: the worker's English `message`, and a key with its values for the community to
 * word it in the page's language (see run/log-keys.ts).
 */
export type RunLog = (level: LogLine["level"], message: string, entry?: RunLogEntry) => void;

export type ResearchContext = { request: GenerationInput; signal: AbortSignal; log: RunLog };

/** One way of finding sources. Web providers are skipped when the creator turned web search off. */
export type ResearchProvider = {
  /** Which provider, for the community to name it in the page's language. */
  id: ProviderId;
  name: string;
  web: boolean;
  search(context: ResearchContext): Promise<Candidate[]>;
};
