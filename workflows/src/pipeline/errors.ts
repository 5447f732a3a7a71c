import type { RunLogEntry } from "../run/log-keys.ts";

/** Why a pipeline attempt stopped, and whether another attempt could succeed. */
export type PipelineErrorKind =
  | "no-material"
  | "llm-rejected"
  | "llm-unavailable"
  | "cms-rejected"
  | "cms-unavailable"
  | "invalid-draft"
  // Meilisearch could not be reached: finding what to answer from has to wait.
  | "search-unavailable"
  // The CMS's own code (see CREATOR_BLOCKED): the creator is blocked, so no draft may be saved.
  | "creator_blocked";

/** A failure with a message the creator can act on; `retryable` decides whether the run is queued again. */
export class PipelineError extends Error {
  override name = "PipelineError";
  readonly kind: PipelineErrorKind;
  readonly retryable: boolean;
  /** The HTTP status a service answered with, when one did (a 409 can mean "already done"). */
  readonly status?: number;
  /** The failure as a log key, when the creator can act on it: the community words it in the page's language. */
  readonly entry?: RunLogEntry;
  constructor(kind: PipelineErrorKind, message: string, retryable: boolean, statusOrEntry?: number | RunLogEntry) {
    super(message);
    this.kind = kind;
    this.retryable = retryable;
    if (typeof statusOrEntry === "number") this.status = statusOrEntry;
    else if (statusOrEntry) this.entry = statusOrEntry;
  }
}
