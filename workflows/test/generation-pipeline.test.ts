import { randomUUID } from "node:crypto";
import { connectIndex, searchForResearch } from "@inkstone/search";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { GenerationClient, RunView } from "../src/client.ts";
import { EncryptionCodec } from "../src/temporal/encryption-codec.ts";
import { startCms } from "./support/cms.ts";
import { articlePage, prose, startFixtureWeb } from "./support/fixture-web.ts";
import { firstAsk, startLlmStub } from "./support/llm-stub.ts";
import {
  citationsIn,
  codecKeysOf,
  generationClient,
  startWorker,
  type TestWorker,
  temporalConnection,
  workerLogLines,
} from "./support/worker.ts";

const METADATA = "http://169.254.169.254/latest/meta-data/";

// Real Temporal, real worker processes and the real CMS; the LLM and the web are local stand-ins.
describe("generation pipeline", () => {
  let llm: Awaited<ReturnType<typeof startLlmStub>>;
  let cms: Awaited<ReturnType<typeof startCms>>;
  let web: Awaited<ReturnType<typeof startFixtureWeb>>;
  // With an LLM and private addresses allowed (the fixture web is on loopback); and offline, with nothing private.
  let llmWorker: TestWorker;
  let offlineWorker: TestWorker;
  let llmClient: GenerationClient;
  let offlineClient: GenerationClient;
  let token: string;

  beforeAll(async () => {
    llm = await startLlmStub({ outlineMs: 150, sectionMs: 200, slowSectionMs: 2500, sections: 3 });
    cms = await startCms();
    token = cms.token;
    const same = articlePage("Tidal energy basics", prose("Tidal energy"));
    web = await startFixtureWeb({
      "/tides": { body: same },
      "/tides-mirror": { body: same },
      "/turbines": { body: articlePage("Turbine design", prose("Turbine design")) },
      "/notes.md": { type: "text/markdown", body: `# Field notes\n\n${prose("Field work").join("\n\n")}` },
      "/to-metadata": { status: 302, headers: { location: METADATA } },
      "/huge": { body: articlePage("Huge", prose("Huge", 400)) },
      "/kill-a": { body: articlePage("Kill A", prose("Wave power")) },
      "/kill-b": { body: articlePage("Kill B", prose("Tidal lagoons")) },
      "/stop-a": { body: articlePage("Stop A", prose("Lagoon walls")) },
      "/local": { body: articlePage("Local", prose("Local")) },
      "/slow": { body: articlePage("Slow", prose("Slow")), delayMs: 5000 },
      "/web-a": { body: articlePage("Web result A", prose("Ocean currents")) },
      "/web-b": { body: articlePage("Web result B", prose("Grid storage")) },
      "/zh": { body: articlePage("潮汐能", ["潮汐能是一种可再生能源。".repeat(12)]) },
    });
    // Web search APIs, speaking SearXNG's and Serper's JSON; their results point at the fixture pages.
    Object.assign(web.pages, {
      "/searxng/search": {
        type: "application/json",
        body: JSON.stringify({
          results: [
            { url: `${web.url}/web-a`, title: "Web result A", content: "Ocean currents." },
            { url: `${web.url}/tides#top`, title: "Already given", content: "" },
          ],
        }),
      },
      "/serper/search": {
        type: "application/json",
        body: JSON.stringify({
          organic: [
            { link: `${web.url}/web-b`, title: "Web result B", snippet: "Grid storage." },
            { link: "http://169.254.169.254/computeMetadata/v1/", title: "Metadata", snippet: "" },
          ],
        }),
      },
    });
    const common = {
      CMS_URL: cms.url,
      CMS_WORKER_TOKEN: token,
      // Community research searches the index the CMS's own sync keeps.
      MEILI_INDEX_PREFIX: String(cms.env.MEILI_INDEX_PREFIX),
      MEILI_SEARCH_KEY: String(cms.env.MEILI_SEARCH_KEY),
      FETCH_MAX_BYTES: "100000",
      FETCH_TIMEOUT_MS: "1500",
    };
    llmWorker = await startWorker({
      ...common,
      OPENAI_BASE_URL: llm.url,
      OPENAI_API_KEY: "test-key",
      FETCH_ALLOW_PRIVATE: "true",
      SEARXNG_URL: `${web.url}/searxng`,
      SERPER_URL: `${web.url}/serper`,
      SERPER_API_KEY: "serper-test-key",
    });
    offlineWorker = await startWorker({ ...common, FETCH_ALLOW_PRIVATE: "false" });
    llmClient = await generationClient(llmWorker);
    offlineClient = await generationClient(offlineWorker);
  });

  afterAll(async () => {
    await llmClient?.close();
    await offlineClient?.close();
    await llmWorker?.stop();
    await offlineWorker?.stop();
    await Promise.all([llm?.close(), cms?.close(), web?.close()]);
  });

  /** The run once it has ended. */
  const finished = (client: GenerationClient, runId: string, timeout = 60_000) =>
    vi.waitFor(
      async () => {
        const view = await client.getRun(runId);
        expect(["done", "failed", "cancelled"], `${runId} at ${view.stage}`).toContain(view.status);
        return view;
      },
      { timeout, interval: 250 },
    );
  const logOf = (view: RunView) => view.log.map((line) => line.message).join("\n");
  /** Waits until the server holds a checkpoint with `sections` written; returns the pid of the worker running it. */
  const checkpointed = async (runId: string, sections = 1) => {
    const connection = await temporalConnection();
    try {
      return await vi.waitFor(
        async () => {
          const { pendingActivities } = await connection.workflowService.describeWorkflowExecution({
            namespace: "default",
            execution: { workflowId: runId },
          });
          const pending = pendingActivities?.[0];
          const encrypted = pending?.heartbeatDetails?.payloads?.[0];
          if (!pending || !encrypted) throw new Error(`${runId} has no checkpoint yet`);
          // Heartbeats are encrypted on the server; the worker's keys read them.
          const [payload] = await new EncryptionCodec(codecKeysOf(llmWorker.env)).decode([encrypted]);
          const checkpoint = JSON.parse(Buffer.from(payload?.data ?? []).toString("utf8")) as { sections?: unknown[] };
          expect(checkpoint.sections?.length ?? 0, "sections in the checkpoint").toBeGreaterThanOrEqual(sections);
          const pid = Number(pending.lastWorkerIdentity?.split("@")[0]);
          expect(pid, "the worker's pid").toBeGreaterThan(0);
          return pid;
        },
        { timeout: 30_000, interval: 200 },
      );
    } finally {
      await connection.close();
    }
  };

  it("researches the web and the creator's URLs, cites only what it read, refuses SSRF targets, rides out LLM 429 and 500", async () => {
    const requestId = `req-${randomUUID()}`;
    const runId = await llmClient.start(
      {
        creatorId: "writer1",
        topic: "Tidal energy [429][500]",
        language: "en",
        urls: [
          `${web.url}/tides`,
          `${web.url}/tides-mirror`,
          `${web.url}/turbines`,
          `${web.url}/notes.md`,
          `${web.url}/missing`,
          METADATA,
          `${web.url}/to-metadata`,
          `${web.url}/huge`,
          `${web.url}/slow`,
        ],
        references: "My own notes on tides: they are predictable.",
        webSearch: true,
      },
      { quota: 3, requestId },
    );
    const view = await finished(llmClient, runId);
    expect(view.status, logOf(view)).toBe("done");
    const log = logOf(view);

    const stored = cms.drafts.get(runId);
    expect(stored?.writes).toBe(1);
    const draft = stored?.draft;
    if (!draft) throw new Error("no draft");
    expect(view.result?.documentId).toBe(stored?.documentId);

    // Sources: exactly the readable, distinct pages; every citation resolves to one of them; nothing unread.
    const urls = draft.sources.map((source) => source.url);
    expect(urls.sort()).toEqual(
      ["/notes.md", "/tides", "/turbines", "/web-a", "/web-b"].map((path) => `${web.url}${path}`).sort(),
    );
    const cited = citationsIn(draft.body);
    expect(cited.length).toBeGreaterThan(0);
    expect(Math.max(...cited)).toBeLessThanOrEqual(draft.sources.length);
    expect(new Set(cited)).toEqual(new Set(draft.sources.map((_, i) => i + 1)));
    expect(draft.body).not.toContain("[99]");
    expect(draft.body).not.toMatch(/think|\[42\]|\[7\]/i);
    // The sources are the list (the page shows them after the body): the body holds none of its own.
    expect(draft.body).not.toMatch(/^## Sources$/m);
    // The citation of a source nobody read, and the model's own sentence cited to a page that does not hold it, lost
    // their marks.
    expect(log).toMatch(
      /section \d: \d+ sentence\(s\) cited again to the source that holds them, [1-9]\d* citation\(s\) no source supports removed/,
    );

    // Refusals and skips, each with its reason in the run log.
    expect(log).toContain(`refused ${METADATA}: 169.254.169.254 is a link-local address`);
    expect(log).toContain(
      `refused ${web.url}/to-metadata (redirected to ${METADATA}): 169.254.169.254 is a link-local address`,
    );
    expect(log).toContain(`could not read ${web.url}/missing: the server answered 404`);
    expect(log).toContain(`skipped ${web.url}/tides-mirror: same text as ${web.url}/tides`);
    expect(log).toMatch(new RegExp(`could not read ${web.url}/huge: larger than FETCH_MAX_BYTES`));
    expect(log).toContain(`could not read ${web.url}/slow: no complete answer within 1500 ms`);
    expect(log).toContain(
      "refused http://169.254.169.254/computeMetadata/v1/: 169.254.169.254 is a link-local address",
    );
    expect(web.hits.get("/to-metadata")).toBe(1);
    expect(web.hits.get("/tides")).toBe(1);

    // The run went on with what it could read, and lists the rest with why, on the run and in its result.
    const unread = [
      { url: METADATA, reason: "forbidden-address" },
      { url: `${web.url}/to-metadata`, reason: "forbidden-address", target: METADATA },
      { url: `${web.url}/missing`, reason: "http-status", status: 404 },
      { url: `${web.url}/huge`, reason: "too-large" },
      { url: `${web.url}/slow`, reason: "timeout" },
      { url: "http://169.254.169.254/computeMetadata/v1/", reason: "forbidden-address" },
    ];
    expect(view.unread).toEqual(expect.arrayContaining(unread.map((entry) => expect.objectContaining(entry))));
    expect(view.unread).toHaveLength(unread.length);
    expect(view.result?.unread).toEqual(view.unread);

    // Every line says what it is by key, for the community to word in the page's language.
    expect(view.log.filter((line) => !line.key).map((line) => line.message)).toEqual([]);
    expect(
      view.log.find((line) => line.key === "sourceUnread" && line.params && "status" in line.params),
    ).toMatchObject({ level: "warn", params: { url: `${web.url}/missing`, reason: "http-status", status: 404 } });
    expect(view.log.find((line) => line.key === "started")?.params).toEqual({ seconds: expect.any(Number) });
    expect(view.log.find((line) => line.key === "sourcesRead")?.params).toEqual({ count: 5, unread: 6 });

    // When each stage began, in order, ending with the end.
    expect(view.timeline.map((mark) => mark.stage)).toEqual([
      "queued",
      "research",
      "read",
      "outline",
      "write",
      "assemble",
      "save",
      "done",
    ]);
    const times = view.timeline.map((mark) => Date.parse(mark.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(view.timeline.every((mark) => mark.attempt === 1)).toBe(true);

    // The search APIs were asked the way they expect.
    const searx = web.requests.find((request) => request.url.startsWith("/searxng/search"));
    expect(new URL(searx?.url ?? "", web.url).searchParams.get("format")).toBe("json");
    expect(new URL(searx?.url ?? "", web.url).searchParams.get("q")).toBe("Tidal energy [429][500]");
    const serper = web.requests.find((request) => request.url === "/serper/search");
    expect(serper?.method).toBe("POST");
    expect(serper?.headers["x-api-key"]).toBe("serper-test-key");
    expect(JSON.parse(serper?.body ?? "{}")).toMatchObject({ q: "Tidal energy [429][500]", hl: "en" });

    // The LLM's 429 (Retry-After: 1) and 500 were retried, and usage and cost were recorded.
    const calls = llm.calls.filter((call) => call.topic === "Tidal energy [429][500]");
    const outlines = calls.filter((call) => call.kind === "outline");
    expect(outlines.map((call) => call.status)).toEqual([429, 200]);
    expect((outlines[1]?.at ?? 0) - (outlines[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
    const sections = calls.filter((call) => call.kind === "section").map((call) => call.status);
    expect(sections[0]).toBe(500);
    expect(sections.slice(1).every((status) => status === 200)).toBe(true);
    expect(log).toMatch(/waiting to retry: model rate-limited \(429\), 1 s/);
    expect(draft.generation).toMatchObject({ runId, model: "gpt-4o-mini", offlineWriter: false });
    expect(draft.generation.promptTokens).toBeGreaterThan(0);
    expect(draft.generation.completionTokens).toBeGreaterThan(0);
    expect(draft.generation.costUsd).toBeGreaterThan(0);
    expect(view.result?.usage.promptTokens).toBe(draft.generation.promptTokens);

    // The worker's metrics saw it. The slot is given back just after the run reports done: wait for that.
    await expect
      .poll(async () => (await fetch(llmWorker.metricsUrl)).text(), { timeout: 5000, interval: 100 })
      .toMatch(/inkstone_generation_active_slots 0/);
    const metrics = await (await fetch(llmWorker.metricsUrl)).text();
    expect(metrics).toMatch(/inkstone_generation_slots 2/);
    expect(metrics).toMatch(/inkstone_generation_stage_seconds_count\{stage="write"\} [1-9]/);
    expect(metrics).toMatch(/inkstone_generation_queue_seconds_count [1-9]/);
    expect(metrics).toMatch(/inkstone_generation_queue_depth 0/);
    expect(metrics).toMatch(/inkstone_llm_tokens_total\{model="gpt-4o-mini",direction="completion"\} [1-9]/);
    expect(metrics).toMatch(/inkstone_llm_requests_total\{model="gpt-4o-mini",outcome="rate-limited"\} [1-9]/);
    expect(metrics).toMatch(/inkstone_llm_requests_total\{model="gpt-4o-mini",outcome="server"\} [1-9]/);
    expect(metrics).toMatch(/inkstone_llm_retries_total\{model="gpt-4o-mini",kind="rate-limited"\} [1-9]/);
    expect(metrics).toMatch(/inkstone_llm_request_seconds_count\{model="gpt-4o-mini"\} [1-9]/);

    // The request id that started the run travelled with it: on the CMS call, and on the worker's log lines.
    expect(cms.calls.filter((call) => call.path.includes(runId)).map((call) => call.requestId)).toEqual([requestId]);
    await expect
      .poll(async () => (await workerLogLines((line) => line.requestId === requestId)).map((line) => line.msg))
      .toEqual(expect.arrayContaining(["attempt started", expect.stringMatching(/^draft saved \(new\)/)]));
    const tagged = await workerLogLines((line) => line.requestId === requestId);
    expect(tagged.every((line) => line.runId === runId && line.service === "worker")).toBe(true);
  });

  it("asks again when a section comes back in the wrong language", async () => {
    const topic = "潮汐能 [wronglang]";
    const runId = await llmClient.start(
      { creatorId: "writer5", topic, language: "zh-CN", urls: [`${web.url}/zh`], webSearch: false },
      { quota: 3 },
    );
    const view = await finished(llmClient, runId);
    expect(view.status, logOf(view)).toBe("done");
    expect(logOf(view)).toContain("section 1 was not in the run's language; asking once more");
    // Section 1 is the introduction the writer added to the model's outline.
    const firstSection = llm.calls.filter((call) => call.topic === topic && call.heading === "引言" && firstAsk(call));
    expect(firstSection).toHaveLength(2);
    const body = cms.drafts.get(runId)?.draft.body ?? "";
    expect(body).not.toMatch(/[A-Za-z]{4,} [A-Za-z]{4,}/);
    expect(body).toMatch(/^## 引言\n\n\p{Script=Han}/u);
  });

  it("leaves out sections that repeat another, and cleans fences and raw HTML out of what is kept", async () => {
    const dupe = await llmClient.start(
      {
        creatorId: "writer6",
        topic: "Tide notes [dupe]",
        language: "en",
        urls: [`${web.url}/tides`],
        webSearch: false,
      },
      { quota: 3 },
    );
    const html = await llmClient.start(
      {
        creatorId: "writer6",
        topic: "Tide notes [html]",
        language: "en",
        urls: [`${web.url}/tides`],
        webSearch: false,
      },
      { quota: 3 },
    );
    const dupeView = await finished(llmClient, dupe);
    expect(dupeView.status, logOf(dupeView)).toBe("done");
    expect(logOf(dupeView)).toContain("section 2 repeated another section; asking once more");
    expect(logOf(dupeView)).toContain("section 2 left out: it repeated another section twice");
    const dupeBody = cms.drafts.get(dupe)?.draft.body ?? "";
    expect(dupeBody.match(/Every part of this article says the same thing/g)).toHaveLength(1);

    const htmlView = await finished(llmClient, html);
    expect(htmlView.status, logOf(htmlView)).toBe("done");
    const htmlBody = cms.drafts.get(html)?.draft.body ?? "";
    expect(htmlBody).not.toMatch(/```|<p>|<br|<ul>|<li>/);
    expect(htmlBody).toContain("- A listed point");
  });

  it("says it is waiting to retry, and why, while a model that is down is waited for", async () => {
    const runId = await llmClient.start(
      {
        creatorId: "writer7",
        topic: "Tide notes [down]",
        language: "en",
        urls: [`${web.url}/tides`],
        webSearch: false,
      },
      { quota: 3 },
    );
    const waiting = await vi.waitFor(
      async () => {
        const view = await llmClient.getRun(runId);
        if (!view.retry) throw new Error(`not waiting to retry yet: ${view.status} ${view.stage}`);
        return view;
      },
      { timeout: 60_000, interval: 200 },
    );
    expect(waiting.status).toBe("queued");
    expect(waiting.retry?.reason).toMatch(/server error \(503\)/);
    expect(Date.parse(waiting.retry?.at ?? "")).toBeGreaterThan(Date.now() - 1000);
    expect(logOf(waiting)).toMatch(/waiting to retry: model server error \(503\), 1 s/);
    await llmClient.cancel(runId, { actorId: "writer7", isEditor: false });
  });

  it("counts a retried attempt's wait from when the last one failed, pause included", async () => {
    // Five 503s in a row: the attempt gives up, and the run tries again after its 5 s pause.
    const runId = await llmClient.start(
      {
        creatorId: "writer8",
        topic: "Tide notes [flaky]",
        language: "en",
        urls: [`${web.url}/tides`],
        webSearch: false,
      },
      { quota: 3 },
    );
    const view = await finished(llmClient, runId);
    expect(view.status, logOf(view)).toBe("done");
    expect(view.attempts).toBe(2);
    const resumed = view.log.find((line) => line.key === "resumed");
    const seconds = (resumed?.params as { seconds: number } | undefined)?.seconds ?? 0;
    expect(seconds, logOf(view)).toBeGreaterThanOrEqual(5);
    expect(seconds).toBeLessThan(30);
    expect(view.log.find((line) => line.key === "retryFailed")?.params).toMatchObject({ attempt: 1 });
    // The time per stage shows the wait as its own stage, then the second attempt's stages.
    const stages = view.timeline.map((mark) => `${mark.stage}@${mark.attempt}`);
    expect(stages).toContain("resuming@2");
    expect(stages.slice(stages.indexOf("resuming@2") + 1)[0]).toBe("outline@2");
  });

  it("resumes a run whose worker was killed from its last finished step and saves exactly one draft", async () => {
    const topic = "Wave power [slow]";
    const runId = await llmClient.start(
      {
        creatorId: "writer2",
        topic,
        language: "en",
        urls: [`${web.url}/kill-a`, `${web.url}/kill-b`],
        webSearch: false,
      },
      { quota: 3 },
    );
    // Wait until the checkpoint with the outline and the first section has reached the server.
    const pid = await checkpointed(runId);
    process.kill(pid, "SIGKILL");
    // Same task queue and settings, new process (and metrics port).
    const { WORKER_METRICS_PORT: _port, ...settings } = llmWorker.env;
    llmWorker = await startWorker(settings);
    {
      const view = await finished(llmClient, runId, 90_000);
      expect(view.status, logOf(view)).toBe("done");
      expect(view.attempts).toBe(2);
      expect(logOf(view)).toMatch(
        /resumed \(attempt 2\).*already done: research, 2 sources read, outline, [1-4] of 5 sections written/,
      );
      // It waited from the moment its worker went silent (the heartbeat timeout, 10 s, notices it that much
      // later), not from when the loss was noticed.
      const resumed = view.log.find((line) => line.key === "resumed");
      expect(resumed?.params).toMatchObject({ attempt: 2, research: true, sourcesRead: 2, outline: true });
      const waited = (resumed?.params as { seconds?: number } | undefined)?.seconds ?? 0;
      expect(waited).toBeGreaterThanOrEqual(8);
      const waiting = view.timeline.find((mark) => mark.stage === "resuming");
      expect(waiting?.attempt).toBe(2);
      const resumedAt = view.timeline.find((mark) => mark.attempt === 2 && mark.stage !== "resuming");
      expect((Date.parse(resumedAt?.at ?? "") - Date.parse(waiting?.at ?? "")) / 1000).toBeCloseTo(waited, 0);

      expect(cms.drafts.get(runId)?.writes).toBe(1);
      expect(await cms.draftRowsFor(runId)).toBe(1);
      expect(cms.calls.filter((call) => call.path === `/api/generation/drafts/${runId}`)).toHaveLength(1);
      // Finished steps were not redone: pages read once, one outline, the first section (the introduction) written once.
      expect(web.hits.get("/kill-a")).toBe(1);
      expect(web.hits.get("/kill-b")).toBe(1);
      const calls = llm.calls.filter((call) => call.topic === topic);
      expect(calls.filter((call) => call.kind === "outline")).toHaveLength(1);
      // The introduction (the first section, checkpointed before the stop) was not written again.
      expect(calls.filter((call) => call.heading === "Introduction" && firstAsk(call))).toHaveLength(1);
    }
  });

  it("hands a run over when its worker is stopped (SIGTERM) mid-run, without redoing finished steps", async () => {
    const topic = "Tidal lagoons [slow]";
    const runId = await llmClient.start(
      { creatorId: "writer6", topic, language: "en", urls: [`${web.url}/stop-a`], webSearch: false },
      { quota: 3 },
    );
    await checkpointed(runId);
    await llmWorker.stop();
    const { WORKER_METRICS_PORT: _port, ...settings } = llmWorker.env;
    llmWorker = await startWorker(settings);
    const view = await finished(llmClient, runId, 60_000);
    expect(view.status, logOf(view)).toBe("done");
    expect(view.attempts).toBe(2);
    expect(logOf(view)).toContain("the worker was shut down; resuming from the last finished step");
    expect(cms.drafts.get(runId)?.writes).toBe(1);
    expect(web.hits.get("/stop-a")).toBe(1);
    const calls = llm.calls.filter((call) => call.topic === topic);
    expect(calls.filter((call) => call.kind === "outline")).toHaveLength(1);
    // The introduction (the first section, checkpointed before the stop) was not written again.
    expect(calls.filter((call) => call.heading === "Introduction" && firstAsk(call))).toHaveLength(1);
  });

  it("writes offline from community articles with citations, and refuses loopback when private addresses are off", async () => {
    const paragraphs = (subject: string) =>
      [
        `${subject}是一种利用海水涨落发电的可再生能源技术。`,
        `研究人员在多个海湾测量了${subject}的发电量，结果与早期研究一致。`,
        `建设${subject}电站需要权衡成本、生态影响和当地社区的利益。`,
        `与风能和太阳能相比，${subject}的出力更容易预测。`,
      ].join("");
    const power = await cms.publish({
      locale: "zh-CN",
      title: "潮汐能发电入门",
      summary: "潮汐能的基本原理。",
      body: paragraphs("潮汐能"),
    });
    const lagoon = await cms.publish({
      locale: "zh-CN",
      title: "潮汐能潟湖电站",
      summary: "潟湖电站的利弊。",
      body: paragraphs("潮汐能潟湖"),
    });
    const index = connectIndex({
      host: String(cms.env.MEILI_URL),
      apiKey: String(cms.env.MEILI_SEARCH_KEY),
      indexPrefix: String(cms.env.MEILI_INDEX_PREFIX),
    });
    await vi.waitFor(async () => expect(await searchForResearch(index, { q: "潮汐能" })).toHaveLength(2), {
      timeout: 30_000,
      interval: 250,
    });
    const runId = await offlineClient.start(
      {
        creatorId: "writer3",
        topic: "潮汐能",
        idea: "写给普通读者的潮汐能介绍。",
        language: "zh-CN",
        urls: [`${web.url}/local`, METADATA],
        references: "潮汐每天涨落两次。潮汐能电站通常建在海湾或河口。",
        webSearch: true,
      },
      { quota: 3 },
    );
    const view = await finished(offlineClient, runId);
    const log = logOf(view);
    expect(view.status, log).toBe("done");
    expect(log).toContain(`refused ${web.url}/local: 127.0.0.1 is a loopback address`);
    expect(log).toContain(`refused ${METADATA}: 169.254.169.254 is a link-local address`);
    expect(web.hits.get("/local")).toBeUndefined();
    // How to allow private addresses is for the operator's log, not the creator's.
    expect(log).not.toContain("FETCH_ALLOW_PRIVATE");
    await expect
      .poll(async () =>
        (await workerLogLines((line) => line.runId === runId)).some((line) => line.msg.includes("FETCH_ALLOW_PRIVATE")),
      )
      .toBe(true);
    expect(view.unread).toEqual([
      { url: `${web.url}/local`, reason: "private-address" },
      { url: METADATA, reason: "forbidden-address" },
    ]);
    // Web search was asked for, and this worker has no provider: the run says so rather than reading less silently.
    expect(view.log.find((line) => line.key === "webSearchUnavailable")?.level).toBe("warn");

    const draft = cms.drafts.get(runId)?.draft;
    if (!draft) throw new Error("no draft");
    expect(draft.generation).toMatchObject({ offlineWriter: true, model: "offline-extractive", promptTokens: 0 });
    expect(view.result?.offlineWriter).toBe(true);
    // The page says the offline writer wrote it (from generation.offlineWriter); the body says nothing about it.
    expect(draft.body).not.toContain("离线写作器");
    const headings = draft.body.match(/^## .+$/gm) ?? [];
    expect(headings.length).toBeGreaterThanOrEqual(3);
    expect(headings).not.toContain("## 参考资料");
    // Cited sources are the community's articles, linked where readers find them.
    expect(draft.sources.map((source) => new URL(source.url).pathname).sort()).toEqual(
      [`/zh-CN/a/${lagoon.slug}`, `/zh-CN/a/${power.slug}`].sort(),
    );
    const cited = citationsIn(draft.body);
    expect(new Set(cited)).toEqual(new Set(draft.sources.map((_, i) => i + 1)));
  });

  it("fails a run with nothing to write from, with a reason, and tells the CMS", async () => {
    const requestId = `req-${randomUUID()}`;
    const runId = await offlineClient.start(
      { creatorId: "writer4", topic: "Qzxv wlpr", language: "en", urls: [METADATA], webSearch: false },
      { quota: 3, requestId },
    );
    const view = await finished(offlineClient, runId);
    expect(view.status).toBe("failed");
    expect(view.error).toMatch(/no source could be read and no references or files were given/);
    expect(view.error).not.toContain("FETCH_ALLOW_PRIVATE");
    // The failure and the unread source, by key: the community says both in the page's language.
    expect(view.errorKey).toBe("noMaterial");
    expect(view.log.find((line) => line.key === "noMaterial")?.level).toBe("error");
    expect(view.unread).toEqual([{ url: METADATA, reason: "forbidden-address" }]);
    expect(view.attempts).toBe(1);
    await expect.poll(() => cms.failures.some((entry) => entry.runId === runId), { timeout: 10_000 }).toBe(true);
    expect(cms.failures.find((entry) => entry.runId === runId)?.failure).toMatchObject({
      creatorId: "writer4",
      topic: "Qzxv wlpr",
    });
    expect(cms.drafts.has(runId)).toBe(false);
    expect(cms.calls.filter((call) => call.path.includes(runId)).map((call) => call.requestId)).toEqual([requestId]);
    const metrics = await (await fetch(offlineWorker.metricsUrl)).text();
    expect(metrics).toMatch(/inkstone_generation_failures_total\{kind="no-material",retryable="false"\} 1/);
  });
});
