import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  Forbidden,
  type GenerationClient,
  type GenerationInputDraft,
  InvalidRequest,
  type QueueEntry,
  QuotaExceeded,
  RunNotFound,
  type RunView,
} from "../src/client.ts";
import { startCms } from "./support/cms.ts";
import { articlePage, prose, startFixtureWeb } from "./support/fixture-web.ts";
import { startLlmStub } from "./support/llm-stub.ts";
import { generationClient, startWorker, type TestWorker, temporalConnection } from "./support/worker.ts";

// Real Temporal dev server, the real built worker (2 slots), a stub LLM slow enough to watch the queue move.
describe("generation queue and slots", () => {
  let llm: Awaited<ReturnType<typeof startLlmStub>>;
  let cms: Awaited<ReturnType<typeof startCms>>;
  let web: Awaited<ReturnType<typeof startFixtureWeb>>;
  let worker: TestWorker;
  let client: GenerationClient;

  beforeAll(async () => {
    llm = await startLlmStub({ outlineMs: 300, sectionMs: 600, sections: 3 });
    cms = await startCms();
    const token = cms.token;
    web = await startFixtureWeb({ "/source": { body: articlePage("Tidal energy", prose("Tidal energy")) } });
    worker = await startWorker({
      OPENAI_BASE_URL: llm.url,
      OPENAI_API_KEY: "test-key",
      FETCH_ALLOW_PRIVATE: "true",
      CMS_URL: cms.url,
      CMS_WORKER_TOKEN: token,
      GENERATION_CONCURRENCY: "2",
    });
    client = await generationClient(worker);
  });

  afterAll(async () => {
    await client?.close();
    await worker?.stop();
    await Promise.all([llm?.close(), cms?.close(), web?.close()]);
  });

  const input = (creatorId: string, topic: string): GenerationInputDraft => ({
    creatorId,
    topic,
    language: "en",
    urls: [`${web.url}/source`],
    webSearch: false,
  });
  /** The run once it has `status`. */
  const reach = (runId: string, status: RunView["status"], timeout: number, interval = 250) =>
    vi.waitFor(
      async () => {
        const view = await client.getRun(runId);
        expect(view.status, `${runId} at ${view.stage}`).toBe(status);
        return view;
      },
      { timeout, interval },
    );

  it("runs six submissions two at a time, in submit order, with queue positions that only fall", async () => {
    const samples: { at: number; queue: QueueEntry[] }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push({ at: Date.now(), queue: await client.listQueue({ maxAgeMs: 0 }) });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    const ids: string[] = [];
    for (let i = 1; i <= 6; i++) ids.push(await client.start(input(`creator${i}`, `Queue run ${i}`), { quota: 3 }));
    const last = ids[5] as string;
    const watched = (async () => {
      const views: RunView[] = [];
      for await (const view of client.watch(last, { intervalMs: 150 })) views.push(view);
      return views;
    })();
    const views = await Promise.all(ids.map((id) => reach(id, "done", 90_000))).catch(async (error: Error) => {
      // Say where each run got stuck, not only that the wait ran out.
      const states = await Promise.all(
        ids.map(async (id) => {
          const view = await client.getRun(id).catch((e: Error) => e);
          return view instanceof Error
            ? `${id}: ${view.message}`
            : `${id}: ${view.status}/${view.stage} after ${view.attempts} attempt(s) ${view.error ?? ""}`;
        }),
      );
      // The sampler must end before the client closes, or its next call is an unhandled rejection.
      sampling = false;
      await sampler.catch(() => undefined);
      throw new Error(`${error.message}\n${states.join("\n")}`);
    });
    sampling = false;
    await sampler;

    // Never more than two active at once, in any sample; and the queue was really observed.
    for (const { queue } of samples)
      expect(queue.filter((entry) => entry.status === "active").length).toBeLessThanOrEqual(2);
    expect(
      Math.max(...samples.map(({ queue }) => queue.filter((e) => e.status === "queued").length)),
    ).toBeGreaterThanOrEqual(3);

    // Runs took slots in the order they were submitted. Two runs handed out in one go, when both slots free at once,
    // record their starts a few milliseconds apart in either order: those count as taken together.
    const startedAt = views.map((view) => Date.parse(view.startedAt ?? ""));
    const TOGETHER_MS = 250;
    for (let i = 1; i < startedAt.length; i++)
      expect(startedAt[i] as number, `run ${i} started before run ${i - 1}`).toBeGreaterThanOrEqual(
        (startedAt[i - 1] as number) - TOGETHER_MS,
      );

    // Queued runs are listed in submit order, positions 1..n, and each run's position only ever falls.
    for (const { queue } of samples) {
      const queued = queue.filter((entry) => entry.status === "queued");
      expect(queued.map((entry) => entry.position)).toEqual(queued.map((_, i) => i + 1));
      const order = queued.map((entry) => ids.indexOf(entry.kind === "run" ? entry.runId : ""));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    for (const id of ids) {
      const positions = samples.flatMap(({ queue }) =>
        queue.filter((e) => e.kind === "run" && e.runId === id && e.position).map((e) => e.position ?? 0),
      );
      for (let i = 1; i < positions.length; i++) expect(positions[i]).toBeLessThanOrEqual(positions[i - 1] as number);
    }

    // A freed slot is taken quickly: the k-th start after the first two follows the k-th finish.
    const finished = views.map((view) => Date.parse(view.finishedAt ?? "")).sort((a, b) => a - b);
    const handoffs = startedAt.slice(2).map((start, k) => start - (finished[k] as number));
    for (const gap of handoffs) expect(gap).toBeLessThan(2000);

    // Every run saved exactly one draft, and the watcher followed the last run from the queue to its draft.
    for (const id of ids) expect(cms.drafts.get(id)?.writes).toBe(1);
    const followed = await watched;
    expect(followed[0]?.status).toBe("queued");
    expect(followed.map((view) => view.status)).toContain("active");
    expect(followed.at(-1)?.status).toBe("done");
    expect(followed.at(-1)?.result?.documentId).toBe(cms.drafts.get(last)?.documentId);
    const lastPositions = followed.flatMap((view) => (view.position ? [view.position] : []));
    expect(lastPositions[0]).toBeGreaterThanOrEqual(3);
  });

  it("cancels a queued run before it starts, and an active run within seconds, handing its slot on", async () => {
    const hangOne = await client.start(input("owner", "Hang one [hang]"), { quota: 5 });
    const hangTwo = await client.start(input("owner", "Hang two [hang]"), { quota: 5 });
    await expect
      .poll(() => llm.calls.filter((c) => c.kind === "section" && c.topic.startsWith("Hang")).length, {
        timeout: 30_000,
      })
      .toBe(2);
    const queued = await client.start(input("other", "Never starts"), { quota: 5 });
    expect(await client.getRun(queued)).toMatchObject({ status: "queued", position: 1 });

    await expect(client.cancel(queued, { actorId: "stranger", isEditor: false })).rejects.toBeInstanceOf(Forbidden);
    expect(await client.cancel(queued, { actorId: "other", isEditor: false })).toBe("cancelled");
    await reach(queued, "cancelled", 10_000);
    const connection = await temporalConnection();
    try {
      const { history } = await connection.workflowService.getWorkflowExecutionHistory({
        namespace: "default",
        execution: { workflowId: queued },
      });
      const events = history?.events ?? [];
      expect(events.some((event) => event.activityTaskScheduledEventAttributes)).toBe(true);
      expect(events.some((event) => event.activityTaskStartedEventAttributes)).toBe(false);
    } finally {
      await connection.close();
    }
    expect(llm.calls.filter((call) => call.topic === "Never starts")).toHaveLength(0);
    expect(cms.calls.filter((call) => call.path.includes(queued))).toHaveLength(0);

    const next = await client.start(input("other", "Takes the freed slot"), { quota: 5 });
    expect((await client.getRun(next)).position).toBe(1);
    const cancelAt = Date.now();
    expect(await client.cancel(hangOne, { actorId: "an-editor", isEditor: true })).toBe("cancelled");
    await reach(hangOne, "cancelled", 10_000, 50);
    const stoppedAt = Date.now();
    expect(stoppedAt - cancelAt).toBeLessThan(5000);
    expect(llm.calls.find((c) => c.topic === "Hang one [hang]" && c.kind === "section")?.abortedAt).toBeDefined();
    const taken = await vi.waitFor(
      async () => {
        const view = await client.getRun(next);
        expect(view.startedAt).toBeDefined();
        return view;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(Date.parse(taken.startedAt ?? "") - stoppedAt).toBeLessThan(2000);
    expect(cms.calls.filter((call) => call.path.includes(hangOne))).toHaveLength(0);

    await client.cancel(hangTwo, { actorId: "owner", isEditor: false });
    await reach(hangTwo, "cancelled", 10_000);
    await reach(next, "done", 30_000);
    expect(cms.drafts.has(hangTwo)).toBe(false);
  });

  it("answers a double submit with one run and refuses runs beyond the creator's quota", async () => {
    const request = input("twice", "Submitted twice [hang]");
    const [first, second] = await Promise.all([
      client.start(request, { quota: 1 }),
      client.start({ ...request, topic: "  Submitted   twice [hang] " }, { quota: 1 }),
    ]);
    expect(second).toBe(first);
    await reach(first, "active", 15_000);
    const connection = await temporalConnection();
    try {
      const { executions } = await connection.workflowService.listWorkflowExecutions({
        namespace: "default",
        query: `WorkflowId = "${first}"`,
      });
      expect(executions).toHaveLength(1);
    } finally {
      await connection.close();
    }
    // Over the quota, the same request still finds its run; a different one is refused.
    expect(await client.start(request, { quota: 1 })).toBe(first);
    await expect(client.start(input("twice", "Something else"), { quota: 1 })).rejects.toBeInstanceOf(QuotaExceeded);
    await expect(client.start({ ...request, topic: "" }, { quota: 1 })).rejects.toBeInstanceOf(InvalidRequest);
    await expect(client.start(request, { quota: 1, requestId: "not a request id" })).rejects.toBeInstanceOf(
      InvalidRequest,
    );
    await expect(client.start({ ...request, urls: ["file:///etc/passwd"] }, { quota: 1 })).rejects.toBeInstanceOf(
      InvalidRequest,
    );
    await client.cancel(first, { actorId: "twice", isEditor: false });
    await reach(first, "cancelled", 10_000);
  });

  it("says what a cancel did: cancelled, already done (the draft and its one notice kept), already failed, already cancelled", async () => {
    const owner = { actorId: "canceller", isEditor: false };
    // Finished a moment ago: the answer says so, and the run, its draft and its notice stay as they were.
    const finished = await client.start(input("canceller", "Finished before the cancel"), { quota: 5 });
    await reach(finished, "done", 60_000);
    await expect(client.cancel(finished, { actorId: "stranger", isEditor: false })).rejects.toBeInstanceOf(Forbidden);
    expect(await client.cancel(finished, owner)).toBe("already_done");
    expect((await client.getRun(finished)).status).toBe("done");
    expect(cms.drafts.get(finished)?.writes).toBe(1);
    expect(await cms.notificationsOf(finished)).toEqual(["generation_finished"]);

    // Cancelled, then cancelled again.
    const twice = await client.start(input("canceller", "Cancelled twice [hang]"), { quota: 5 });
    await reach(twice, "active", 30_000);
    expect(await client.cancel(twice, owner)).toBe("cancelled");
    await reach(twice, "cancelled", 10_000);
    expect(await client.cancel(twice, owner)).toBe("already_cancelled");
    expect(cms.drafts.has(twice)).toBe(false);
    expect(await cms.notificationsOf(twice)).toEqual([]);

    // Failed (its creator is blocked, so it stops before research).
    cms.block("blocked-canceller");
    const failed = await client.start(input("blocked-canceller", "Fails at once"), { quota: 5 });
    await reach(failed, "failed", 30_000);
    expect(await client.cancel(failed, { actorId: "blocked-canceller", isEditor: false })).toBe("already_failed");

    // Unknown runs are not found.
    await expect(client.cancel("gen-nobody-nothing", owner)).rejects.toBeInstanceOf(RunNotFound);
  });

  it("lets a save that has begun finish when a cancel arrives: the run is done and the answer says so", async () => {
    // The save takes three seconds; the cancel arrives as it begins.
    cms.slowDraftsOf("slow-saver", 3000);
    const runId = await client.start(input("slow-saver", "Saved slowly"), { quota: 5 });
    await expect.poll(() => cms.savesStarted.has(runId), { timeout: 60_000, interval: 20 }).toBe(true);
    expect(await client.cancel(runId, { actorId: "slow-saver", isEditor: false })).toBe("already_done");
    const view = await reach(runId, "done", 15_000);
    expect(view.result?.documentId).toBe(cms.drafts.get(runId)?.documentId);
    expect(cms.drafts.get(runId)?.writes).toBe(1);
    // One notice, and the right one: the draft exists.
    expect(await cms.notificationsOf(runId)).toEqual(["generation_finished"]);
    expect(view.log.map((line) => line.key)).not.toContain("cancelled");
  });

  it("lists a creator's runs in every state, newest first, and gives their inputs to their creator and editors", async () => {
    const summaries = await vi.waitFor(
      async () => {
        const runs = await client.listRunsOf("canceller");
        // Visibility lists what ended a moment ago once it has indexed it.
        expect(runs.map((run) => run.status)).toEqual(["cancelled", "done"]);
        expect(runs[1]?.result?.documentId).toBeDefined();
        return runs;
      },
      { timeout: 15_000, interval: 250 },
    );
    expect(summaries.map((run) => run.topic)).toEqual(["Cancelled twice [hang]", "Finished before the cancel"]);
    expect(summaries[1]).toMatchObject({ language: "en", finishedAt: expect.any(String) });
    expect(Date.parse(summaries[0]?.submittedAt ?? "")).toBeGreaterThan(Date.parse(summaries[1]?.submittedAt ?? ""));
    const failed = await vi.waitFor(
      async () => {
        const [run] = await client.listRunsOf("blocked-canceller");
        expect(run?.error).toBeDefined();
        return run;
      },
      { timeout: 15_000, interval: 250 },
    );
    expect(failed).toMatchObject({ status: "failed", errorKey: "failed" });
    expect(await client.listRunsOf("canceller", { limit: 1 })).toHaveLength(1);
    expect(await client.listRunsOf("nobody-at-all")).toEqual([]);

    const runId = summaries[1]?.runId ?? "";
    const asked = await client.runInput(runId, { actorId: "canceller", isEditor: false });
    expect(asked).toMatchObject({
      creatorId: "canceller",
      topic: "Finished before the cancel",
      urls: [`${web.url}/source`],
      webSearch: false,
    });
    expect(await client.runInput(runId, { actorId: "an-editor", isEditor: true })).toEqual(asked);
    await expect(client.runInput(runId, { actorId: "stranger", isEditor: false })).rejects.toBeInstanceOf(Forbidden);
    await expect(
      client.runInput("gen-nobody-nothing", { actorId: "stranger", isEditor: false }),
    ).rejects.toBeInstanceOf(RunNotFound);
  });
});
