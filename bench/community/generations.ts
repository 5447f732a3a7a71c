import { startLlmStub } from "../../workflows/test/support/llm-stub.ts";
import type { Member } from "./members.ts";

/**
 * A model slow enough that a run outlasts the bench: 10 sections of a minute each (the worker's outline keeps at
 * most 10), streamed a piece every few seconds, well inside the worker's 90 s silence limit. Runs that still end
 * early (long BENCH_SECONDS) are replaced by `keepRunning`.
 */
export function startSlowLlm() {
  return startLlmStub({ outlineMs: 1_000, sectionMs: 60_000, sections: 10 });
}

type RunStatus = "queued" | "active" | "completed" | "failed" | "cancelled" | string;

/**
 * Generation runs launched by one signed-in creator through the community's own form (POST /api/generation), as many
 * as the worker has slots, kept active for as long as the bench needs the worker busy.
 */
export class Generations {
  readonly runIds: string[] = [];
  #launched = 0;

  readonly base: string;
  readonly creator: Member;

  constructor(base: string, creator: Member) {
    this.base = base;
    this.creator = creator;
  }

  /** Starts one run: a community topic from pasted notes, web search off, no URLs, so nothing leaves the machine. */
  async #launch(): Promise<string> {
    const response = await fetch(`${this.base}/api/generation`, {
      method: "POST",
      redirect: "manual",
      headers: {
        cookie: this.creator.cookie,
        origin: new URL(this.base).origin,
        accept: "application/json",
        "content-type": "application/x-www-form-urlencoded",
        "x-forwarded-for": this.creator.address,
      },
      body: new URLSearchParams({
        // The run id is derived from the creator and the request: each run needs a topic of its own.
        topic: `Tidal power for coastal towns, part ${++this.#launched}`,
        references: "Tidal lagoons store water at high tide and release it through turbines as the tide falls.",
        language: "en",
        targetLength: "1200",
        next: "/en/write",
      }),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`launching a generation answered ${response.status}: ${text}`);
    const runId = (JSON.parse(text) as { data?: { runId?: string } }).data?.runId;
    if (!runId) throw new Error(`launching a generation answered without a run id: ${text}`);
    return runId;
  }

  /** The run's status as its page shows it to its creator (`data-status` on the run's details). */
  async status(runId: string): Promise<RunStatus> {
    const response = await fetch(`${this.base}/en/runs/${encodeURIComponent(runId)}`, {
      headers: { cookie: this.creator.cookie, accept: "text/html" },
    });
    const html = await response.text();
    const status = /data-status="([a-z]+)"/.exec(html)?.[1];
    if (response.status !== 200 || !status)
      throw new Error(`the page of run ${runId} answered ${response.status} without its status`);
    return status;
  }

  /**
   * Makes sure `count` runs are active on the worker: runs that ended are replaced, and this waits (up to a minute)
   * until every one of them is past the queue. Throws when they do not get there, so a round never counts as
   * "with generations running" when none were.
   */
  async keepRunning(count: number): Promise<string[]> {
    const live: string[] = [];
    for (const runId of this.runIds) {
      const status = await this.status(runId);
      if (status === "active" || status === "queued") live.push(runId);
    }
    while (live.length < count) {
      const runId = await this.#launch();
      this.runIds.push(runId);
      live.push(runId);
    }
    const deadline = Date.now() + 60_000;
    for (;;) {
      const statuses = await Promise.all(live.map((runId) => this.status(runId)));
      if (statuses.every((status) => status === "active")) return live;
      if (Date.now() > deadline)
        throw new Error(`generation runs not active after a minute: ${live.map((id, i) => `${id} ${statuses[i]}`)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** Cancels every run still going, so the worker stops at once instead of waiting out its shutdown grace. */
  async cancelAll(): Promise<void> {
    for (const runId of this.runIds)
      await fetch(`${this.base}/api/runs/${encodeURIComponent(runId)}/cancel`, {
        method: "POST",
        headers: {
          cookie: this.creator.cookie,
          origin: new URL(this.base).origin,
          accept: "application/json",
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ next: "/en/queue" }),
      })
        .then((response) => response.arrayBuffer())
        // Tidying up on the way out: a run left going is stopped with the stack anyway.
        .catch(() => undefined);
  }
}
