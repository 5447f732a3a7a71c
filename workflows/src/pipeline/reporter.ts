import type { Logger } from "@inkstone/config/logger";
import type { RunLogEntry, UnreadSource } from "../run/log-keys.ts";
import type { LogLine, ProgressReport, RunResult, StartedReport, WorkStage } from "../run/run-state.ts";

/** How an attempt talks to its workflow (signals and updates through the Temporal client). */
export type RunChannel = {
  started(report: StartedReport): Promise<void>;
  progress(report: ProgressReport & { attempt: number }): Promise<void>;
  /** Asks whether the draft may be saved now: false once the run is being cancelled. Throws if it cannot ask. */
  saving(report: { attempt: number }): Promise<boolean>;
  saved(report: { attempt: number; result: RunResult }): Promise<void>;
};

export type ReporterOptions = {
  attempt: number;
  channel: RunChannel;
  /** Records heartbeat details; also how cancellation reaches the attempt. */
  heartbeat: (details: unknown) => void;
  /** The checkpoint as it stands, sent with every heartbeat. */
  checkpoint: () => unknown;
  /** The worker's log for this attempt: run log lines are mirrored there, and so is a report that was lost. */
  logger: Logger;
  heartbeatMs?: number;
  /** Log lines wait this long to travel together. */
  batchMs?: number;
};

/**
 * Reports an attempt's progress: heartbeats every second (so cancellation arrives within seconds and a lost worker is
 * noticed), and stage, percent and log lines to the workflow, in order, batched, never blocking the pipeline.
 */
export class RunReporter {
  readonly #options: ReporterOptions;
  #pending: LogLine[] = [];
  #stage: WorkStage = "research";
  #stageAt = Date.now();
  #percent = 0;
  #unread: UnreadSource[] | undefined;
  #chain: Promise<void> = Promise.resolve();
  #batch: NodeJS.Timeout | undefined;
  #beat: NodeJS.Timeout | undefined;
  #undelivered = 0;

  constructor(options: ReporterOptions) {
    this.#options = options;
  }

  /** Starts heartbeating and tells the workflow the attempt holds a slot. */
  async started(startedAt: number, stage: WorkStage, message: string, entry?: RunLogEntry): Promise<void> {
    this.beat();
    this.#beat = setInterval(() => this.beat(), this.#options.heartbeatMs ?? 1000);
    this.#stage = stage;
    this.#stageAt = startedAt;
    const lines = [this.#line("info", message, entry)];
    const report = { attempt: this.#options.attempt, startedAt, stage, lines };
    await this.#send(() => this.#options.channel.started(report));
  }

  /** Adds a line to the run log. */
  log = (level: LogLine["level"], message: string, entry?: RunLogEntry): void => {
    this.#pending.push(this.#line(level, message, entry));
    this.#batch ??= setTimeout(() => this.flush(), this.#options.batchMs ?? 300);
  };

  /** A line for the operator only (the worker's log): configuration hints a creator cannot act on. */
  operator(level: LogLine["level"], message: string): void {
    this.#options.logger[level](message);
  }

  /** Enters a stage (sent at once, with the lines before it and when it began). */
  stage(stage: WorkStage, percent: number): void {
    if (stage !== this.#stage) this.#stageAt = Date.now();
    this.#stage = stage;
    this.#percent = percent;
    void this.flush();
  }

  /** The sources that could not be read, with why (sent at once; replaces the run's list). */
  unread(unread: UnreadSource[]): void {
    this.#unread = unread;
    void this.flush();
  }

  /** Moves the percentage within the stage. */
  progress(percent: number): void {
    if (percent <= this.#percent) return;
    this.#percent = percent;
    this.#batch ??= setTimeout(() => this.flush(), this.#options.batchMs ?? 300);
  }

  /** Sends the checkpoint now (after a step finishes) rather than at the next tick. */
  beat(): void {
    try {
      this.#options.heartbeat(this.#options.checkpoint());
    } catch {
      // The attempt is over (cancelled or completed); the caller finds out from the cancellation signal.
    }
  }

  /** Queues a progress report with every pending line. */
  flush(): Promise<void> {
    clearTimeout(this.#batch);
    this.#batch = undefined;
    const report: ProgressReport & { attempt: number } = {
      attempt: this.#options.attempt,
      stage: this.#stage,
      stageAt: this.#stageAt,
      percent: this.#percent,
      lines: this.#pending,
    };
    if (this.#unread) report.unread = this.#unread;
    this.#unread = undefined;
    this.#pending = [];
    return this.#send(() => this.#options.channel.progress(report));
  }

  /**
   * Asks the workflow whether the draft may be saved now (after every report before it): no once a cancel has been
   * asked for, and once it says yes, a cancel waits for the save. Not best effort: a failure to ask is thrown.
   */
  async maySave(): Promise<boolean> {
    await this.flush();
    return this.#options.channel.saving({ attempt: this.#options.attempt });
  }

  /** Records the saved draft on the workflow before the attempt returns (and frees its slot). */
  async saved(result: RunResult): Promise<void> {
    await this.flush();
    await this.#send(() => this.#options.channel.saved({ attempt: this.#options.attempt, result }));
  }

  /** Stops heartbeating and sends what is pending. */
  async close(): Promise<void> {
    clearInterval(this.#beat);
    if (this.#pending.length) await this.flush();
    await this.#chain;
  }

  #line(level: LogLine["level"], message: string, entry?: RunLogEntry): LogLine {
    const line: LogLine = { at: new Date().toISOString(), level, message };
    if (entry) {
      line.key = entry.key;
      if (entry.params) line.params = entry.params;
    }
    this.#options.logger[level](message);
    return line;
  }

  #send(call: () => Promise<void>): Promise<void> {
    // Progress is best effort: a report that cannot be delivered must not fail the article. The first loss is
    // logged; later ones (Temporal unreachable for a while) only at debug level, so they do not flood the log.
    this.#chain = this.#chain.then(call).catch((error: unknown) => {
      this.#undelivered++;
      const level = this.#undelivered === 1 ? "warn" : "debug";
      this.#options.logger[level]({ err: error, undelivered: this.#undelivered }, "run report not delivered");
    });
    return this.#chain;
  }
}
