/** The creator already has `quota` runs (or the member `quota` answers) queued or active (the community answers 429). */
export class QuotaExceeded extends Error {
  override name = "QuotaExceeded";
  readonly quota: number;
  readonly current: number;
  constructor(quota: number, current: number, what: "articles" | "answers" = "articles") {
    super(
      `You already have ${current} ${what} queued or being written (the limit is ${quota}); wait for one to finish or cancel one.`,
    );
    this.quota = quota;
    this.current = current;
  }
}

/** Only the run's creator or an editor may do this (the community answers 403). */
export class Forbidden extends Error {
  override name = "Forbidden";
}

/** No run has this id, or no answer of this member (the community answers 404). */
export class RunNotFound extends Error {
  override name = "RunNotFound";
}

/** The request does not pass validation (the community answers 400 with `issues`). */
export class InvalidRequest extends Error {
  override name = "InvalidRequest";
  readonly issues: { path: string; message: string }[];
  constructor(issues: { path: string; message: string }[]) {
    super(issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join("; "));
    this.issues = issues;
  }
}
