/** Why a pipeline attempt stopped, and whether another attempt could succeed. */
export type PipelineErrorKind =
  | "no-material"
  | "llm-rejected"
  | "llm-unavailable"
  | "cms-rejected"
  | "cms-unavailable"
  | "invalid-draft"
  // The CMS's own code (see CREATOR_BLOCKED): the creator is blocked, so no draft may be saved.
  | "creator_blocked";

/** A failure with a message the creator can act on; `retryable` decides whether the run is queued again. */
export class PipelineError extends Error {
  override name = "PipelineError";
  readonly kind: PipelineErrorKind;
  readonly retryable: boolean;
  constructor(kind: PipelineErrorKind, message: string, retryable: boolean) {
    super(message);
    this.kind = kind;
    this.retryable = retryable;
  }
}
