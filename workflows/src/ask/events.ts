import type { Logger } from "@inkstone/config/logger";
import { webhookHeaders } from "@inkstone/config/webhook";
import type { AnswerEnd, AnswerEvent } from "./contract.ts";

export type AnswerEventsOptions = {
  /** COMMUNITY_INTERNAL_URL, else COMMUNITY_URL. */
  communityUrl: string;
  /** COMMUNITY_WEBHOOK_SECRET: the community verifies every push as it does the CMS's webhook. */
  secret: string;
  answerId: string;
  attempt: number;
  logger: Pick<Logger, "warn" | "debug">;
  /** Tries per push while the community answers; once a push has failed for good, one try until one passes. */
  tries?: number;
  timeoutMs?: number;
  retryDelayMs?: number;
};

/** The text and end of an answer, after `answerId`, `attempt`, `seq` and `type`. */
export type EndOfAnswer = Omit<AnswerEnd, "answerId" | "attempt" | "seq" | "type">;

/**
 * Pushes an answer's text to the community as it is written, signed. At most one push is in flight; text written
 * meanwhile goes in the next one. A push that fails is tried again a few times and then given up: the community
 * only relays the text to the reader, and the CMS's copy (saved before `end`) is the answer.
 */
export class AnswerEvents {
  readonly #options: AnswerEventsOptions;
  readonly #url: string;
  #seq = 0;
  #pending = "";
  #inFlight: Promise<void> | undefined;
  #ended = false;
  #unreachable = false;

  constructor(options: AnswerEventsOptions) {
    this.#options = options;
    const base = options.communityUrl.replace(/\/$/, "");
    this.#url = `${base}/api/answers/${encodeURIComponent(options.answerId)}/events`;
  }

  /** Events pushed (or given up on) so far. */
  get sent(): number {
    return this.#seq;
  }

  /** Adds newly written text; it goes out with the next push. */
  text(delta: string): void {
    if (this.#ended || delta === "") return;
    this.#pending += delta;
    this.#pump();
  }

  /** Resolves once everything written so far has been pushed (or given up on). */
  async idle(): Promise<void> {
    while (this.#inFlight) await this.#inFlight;
  }

  /** Pushes the end after the text written before it, so the text events add up to what was shown. */
  async end(end: EndOfAnswer): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    await this.idle();
    await this.#push({ type: "end", ...end });
  }

  #pump(): void {
    if (this.#inFlight || this.#pending === "") return;
    const text = this.#pending;
    this.#pending = "";
    this.#inFlight = this.#push({ type: "text", text }).finally(() => {
      this.#inFlight = undefined;
      this.#pump();
    });
  }

  async #push(event: { type: "text"; text: string } | ({ type: "end" } & EndOfAnswer)): Promise<void> {
    const { answerId, attempt, secret, logger } = this.#options;
    const seq = ++this.#seq;
    const body = JSON.stringify({ answerId, attempt, seq, ...event } satisfies AnswerEvent);
    const delivery = `${answerId}:${attempt}:${seq}`;
    const tries = this.#unreachable ? 1 : (this.#options.tries ?? 4);
    let problem = "";
    for (let tried = 1; tried <= tries; tried++) {
      if (tried > 1) await delay((this.#options.retryDelayMs ?? 250) * 2 ** (tried - 2));
      try {
        const response = await fetch(this.#url, {
          method: "POST",
          // Signed when sent, so a retry carries a fresh timestamp; the delivery id stays, so it is accepted once.
          headers: { "content-type": "application/json", ...webhookHeaders(secret, body, delivery) },
          body,
          signal: AbortSignal.timeout(this.#options.timeoutMs ?? 5000),
        });
        await response.body?.cancel();
        // 409: this very delivery was accepted before (its answer was lost on the way back).
        if (response.ok || response.status === 409) {
          this.#unreachable = false;
          return;
        }
        problem = `answered ${response.status}`;
        // Any other 4xx will be refused again; 408, 429 and 5xx may pass.
        if (response.status < 500 && response.status !== 408 && response.status !== 429) break;
      } catch (error) {
        problem = (error as Error).message;
      }
    }
    const level = this.#unreachable ? "debug" : "warn";
    this.#unreachable = true;
    logger[level]({ delivery, url: this.#url, problem }, "answer event not delivered to the community");
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
