import { randomBytes } from "node:crypto";
import { connectIndex, searchForResearch } from "@inkstone/search";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ASK_WORDING } from "../src/ask/wording.ts";
import {
  type GenerationClient,
  type GenerationInputDraft,
  InvalidRequest,
  QuotaExceeded,
  RunNotFound,
  type RunView,
} from "../src/client.ts";
import { startAnswerEvents } from "./support/answer-events.ts";
import { type Asked, askVia, lastAttempt, type Member } from "./support/ask.ts";
import { startCms } from "./support/cms.ts";
import { articlePage, prose, startFixtureWeb } from "./support/fixture-web.ts";
import { startLlmStub } from "./support/llm-stub.ts";
import { generationClient, startWorker, type TestWorker, temporalConnection } from "./support/worker.ts";

// Ask Inkstone end to end on the worker's side: real Temporal, the real built worker, the real CMS (conversations,
// answers, published articles and the index its sync keeps). Only the outside world is a stand-in: the language
// model (streaming at a fixed rate) and the community's events endpoint (which checks every push's signature).
describe("answers of Ask Inkstone", () => {
  const secret = randomBytes(32).toString("hex");
  let llm: Awaited<ReturnType<typeof startLlmStub>>;
  let cms: Awaited<ReturnType<typeof startCms>>;
  let web: Awaited<ReturnType<typeof startFixtureWeb>>;
  let events: Awaited<ReturnType<typeof startAnswerEvents>>;
  let asks: ReturnType<typeof askVia>;
  // One slot, with a model: runs and answers take turns. And a worker without a model, answering extractively.
  let modelWorker: TestWorker;
  let extractiveWorker: TestWorker;
  let client: GenerationClient;
  let extractiveClient: GenerationClient;
  let articles: { documentId: string; slug: string; title: string; locale: string }[];

  beforeAll(async () => {
    llm = await startLlmStub({ outlineMs: 200, sectionMs: 300, slowSectionMs: 1500, sections: 3 });
    cms = await startCms();
    asks = askVia(cms);
    events = await startAnswerEvents(secret);
    web = await startFixtureWeb({ "/source": { body: articlePage("Tidal energy", prose("Tidal energy")) } });
    const published = [
      {
        locale: "zh-CN" as const,
        title: "潮汐能发电入门",
        summary: "潮汐能是一种可以预测的可再生能源。",
        body: [
          "潮汐能是一种利用海水涨落发电的可再生能源技术。",
          "与风能和太阳能相比，潮汐能的出力更容易预测，因为潮汐由月球引力决定。",
          "建设潮汐电站需要权衡成本、生态影响和当地社区的利益。",
        ].join("\n\n"),
      },
      {
        locale: "zh-CN" as const,
        title: "海湾里的潮汐能测量",
        body: [
          "研究人员在多个海湾测量了潮汐能电站的发电量，结果与早期研究一致。",
          "测量显示，潮汐能电站的年发电量波动很小，适合作为电网的基础电源。",
        ].join("\n\n"),
      },
      {
        locale: "en" as const,
        title: "Tidal energy for beginners",
        body: prose("Tidal energy", 3).join("\n\n"),
      },
      {
        locale: "en" as const,
        title: "Measuring tidal power in estuaries",
        body: prose("Tidal power", 3).join("\n\n"),
      },
    ];
    articles = [];
    for (const article of published) articles.push({ ...(await cms.publish(article)), ...article });
    const index = connectIndex({
      host: String(cms.env.MEILI_URL),
      apiKey: String(cms.env.MEILI_SEARCH_KEY),
      indexPrefix: String(cms.env.MEILI_INDEX_PREFIX),
    });
    // The CMS's sync indexes what it publishes; answers start once every article can be found.
    await vi.waitFor(
      async () => {
        const hits = await searchForResearch(index, { q: "潮汐能 tidal" });
        expect(hits).toHaveLength(published.length);
      },
      { timeout: 30_000, interval: 250 },
    );
    const common = {
      CMS_URL: cms.url,
      CMS_WORKER_TOKEN: cms.token,
      MEILI_INDEX_PREFIX: String(cms.env.MEILI_INDEX_PREFIX),
      MEILI_SEARCH_KEY: String(cms.env.MEILI_SEARCH_KEY),
      COMMUNITY_URL: "https://community.example",
      COMMUNITY_INTERNAL_URL: events.url,
      COMMUNITY_WEBHOOK_SECRET: secret,
      GENERATION_CONCURRENCY: "1",
    };
    modelWorker = await startWorker({
      ...common,
      OPENAI_BASE_URL: llm.url,
      OPENAI_API_KEY: "test-key",
      OPENAI_MODEL: "stub-answer-model",
      FETCH_ALLOW_PRIVATE: "true",
    });
    extractiveWorker = await startWorker(common);
    client = await generationClient(modelWorker);
    extractiveClient = await generationClient(extractiveWorker);
  });

  afterAll(async () => {
    await client?.close();
    await extractiveClient?.close();
    await modelWorker?.stop();
    await extractiveWorker?.stop();
    await Promise.all([llm?.close(), cms?.close(), web?.close(), events?.close()]);
  });

  const run = (creatorId: string, topic: string): GenerationInputDraft => ({
    creatorId,
    topic,
    language: "en",
    urls: [`${web.url}/source`],
    webSearch: false,
  });
  const reach = (runId: string, status: RunView["status"], timeout = 60_000) =>
    vi.waitFor(
      async () => {
        const view = await client.getRun(runId);
        expect(view.status, `${runId} at ${view.stage}`).toBe(status);
        return view;
      },
      { timeout, interval: 200 },
    );
  /** The events of `answerId` once at least `count` text events of some attempt have arrived. */
  const textEvents = (answerId: string, count: number, timeout = 20_000) =>
    vi.waitFor(
      () => {
        const texts = events.of(answerId).filter((event) => event.type === "text");
        expect(texts.length, `text events of ${answerId}`).toBeGreaterThanOrEqual(count);
        return texts;
      },
      { timeout, interval: 50 },
    );
  /** The ended attempt of `answerId`, once its end has arrived. */
  const ended = (answerId: string, timeout = 30_000) =>
    vi.waitFor(() => lastAttempt(events.of(answerId)), { timeout, interval: 100 });
  const saves = (answerId: string) =>
    cms.calls.filter((call) => call.method === "PUT" && call.path === `/api/conversation-answers/${answerId}`);
  const firstCall = (answerId: string) =>
    cms.calls.find((call) => call.path === `/api/conversation-answers/${answerId}`)?.at ?? Number.NaN;
  /** Whether the answer's activity ever took a slot (an ActivityTaskStarted in its history). */
  const tookSlot = async (answerId: string) => {
    const connection = await temporalConnection();
    try {
      const { history } = await connection.workflowService.getWorkflowExecutionHistory({
        namespace: "default",
        execution: { workflowId: `answer-${answerId}` },
      });
      const all = history?.events ?? [];
      expect(all.some((event) => event.activityTaskScheduledEventAttributes)).toBe(true);
      return all.some((event) => event.activityTaskStartedEventAttributes);
    } finally {
      await connection.close();
    }
  };

  describe("with a language model, on one slot", () => {
    let asker: Member;
    beforeAll(async () => {
      asker = await asks.member();
    });

    it("queues an answer between runs, first in first out, and streams it cited into the CMS", async () => {
      const first = await client.start(run("creator1", "Tidal energy first [slow]"), { quota: 3 });
      await reach(first, "active");
      const question = "Why is tidal energy easier to predict than wind?";
      const asked = await asks.ask(asker, question, "en");
      await client.startAnswer(asked.input, { quota: 2 });
      const second = await client.start(run("creator2", "Tidal energy second"), { quota: 3 });

      // Both wait behind the active run, the answer first; the queue shows whose answer it is, never the question.
      // (Visibility lists a new start within a moment.)
      const queue = await vi.waitFor(
        async () => {
          const listed = await client.listQueue({ maxAgeMs: 0 });
          expect(listed.map((entry) => [entry.kind, entry.status, entry.position])).toEqual([
            ["run", "active", undefined],
            ["answer", "queued", 1],
            ["run", "queued", 2],
          ]);
          return listed;
        },
        { timeout: 5000, interval: 100 },
      );
      expect(await client.answerState(asked.answerId)).toEqual({ state: "queued", position: 1 });
      expect((await client.getRun(second)).position).toBe(2);
      expect(queue[1]).toMatchObject({
        kind: "answer",
        answerId: asked.answerId,
        conversationId: asked.conversationId,
        creatorId: asker.id,
        locale: "en",
      });
      expect(JSON.stringify(queue)).not.toContain("predict");

      await vi.waitFor(async () => expect(await client.answerState(asked.answerId)).toEqual({ state: "active" }), {
        timeout: 30_000,
        interval: 100,
      });
      const { texts, end, attempt } = await ended(asked.answerId);
      const [firstRun, secondRun] = [await reach(first, "done"), await reach(second, "done")];
      expect(await client.answerState(asked.answerId)).toEqual({ state: "closed" });

      // The answer took the slot the first run freed, and held it until it was saved.
      const lastSave = saves(asked.answerId).at(-1)?.at ?? Number.NaN;
      expect(firstCall(asked.answerId)).toBeGreaterThanOrEqual(Date.parse(firstRun.finishedAt ?? ""));
      expect(Date.parse(secondRun.startedAt ?? "")).toBeGreaterThanOrEqual(lastSave);

      // Streamed as written: five text events and more, then the end, every push signed (none refused).
      expect(attempt).toBe(1);
      expect(texts.length).toBeGreaterThanOrEqual(5);
      expect(events.refused).toEqual([]);
      expect(texts.join("")).toBe(end.text);
      expect(end).toMatchObject({ status: "done", mode: "model" });
      expect(end.model).toBeTruthy();
      // The model's reasoning is not the answer; [n] are renumbered by first appearance and name only real articles.
      expect(end.text).not.toContain("<think>");
      expect(end.text).not.toContain("[99]");
      expect(end.text).toContain("tidal power is easier to predict than wind [1].");
      expect(end.citations.map((citation) => citation.n)).toEqual([1, 2]);
      for (const citation of end.citations) {
        const article = articles.find((a) => a.documentId === citation.documentId);
        expect(article, JSON.stringify(citation)).toBeDefined();
        expect(citation).toMatchObject({ slug: article?.slug, title: article?.title, locale: article?.locale });
      }
      // English articles first: the question was asked in English.
      const call = llm.calls.find((c) => c.kind === "answer" && c.topic === question);
      const firstPassage = /^\[1\] (.*)$/m.exec(call?.messages.at(-1)?.content ?? "")?.[1];
      expect(articles.find((article) => article.title === firstPassage)?.locale).toBe("en");

      // The CMS holds what the reader saw: streaming first, then the final answer, saved once.
      const stored = await asks.answer(asked.answerId);
      expect(stored).toMatchObject({ status: "done", text: end.text, mode: "model", citations: end.citations });
      expect(saves(asked.answerId).map((call) => call.answer?.status)).toEqual(["streaming", "done"]);
      expect(llm.calls.filter((call) => call.kind === "answer" && call.topic === question)).toHaveLength(1);
    });

    it("answers a follow-up with the conversation so far in the prompt", async () => {
      const asked = await asks.ask(asker, "What is tidal energy?", "en");
      await client.startAnswer(asked.input, { quota: 2 });
      const firstAnswer = (await ended(asked.answerId)).end.text;
      const follow = await asks.followUp(asker, asked.conversationId, "And how is it measured?", "en");
      expect(follow.input.history).toEqual([
        { role: "question", text: "What is tidal energy?" },
        { role: "answer", text: firstAnswer },
      ]);
      await client.startAnswer(follow.input, { quota: 2 });
      expect((await ended(follow.answerId)).end.status).toBe("done");

      const call = llm.calls.find((c) => c.kind === "answer" && c.topic === "And how is it measured?");
      const roles = call?.messages.map((message) => message.role);
      expect(roles).toEqual(["system", "user", "assistant", "user"]);
      expect(call?.messages[1]?.content).toBe("What is tidal energy?");
      // The earlier answer's [n] numbered other passages: they are left out of the history.
      expect(call?.messages[2]?.content).toContain("tidal power is easier to predict than wind.");
      expect(call?.messages[2]?.content).not.toMatch(/\[\d+\]/);
      expect(call?.messages[3]?.content).toContain("TASK: ANSWER");
      // The follow-up is searched with the question before it: "it" is tidal energy.
      expect(call?.messages[3]?.content).toMatch(/^\[1\] /m);
    });

    it("stops an answer mid-stream, keeping what was written, and hands the slot on", async () => {
      const asked = await asks.ask(asker, "Tell me slowly about tidal energy [slow]", "en");
      await client.startAnswer(asked.input, { quota: 2 });
      const next = await asks.ask(asker, "What do the measurements show?", "en");
      await client.startAnswer(next.input, { quota: 2 });
      const streamed = await textEvents(asked.answerId, 2);

      const stranger = await asks.member();
      await expect(client.cancelAnswer(asked.answerId, stranger.id)).rejects.toBeInstanceOf(RunNotFound);
      await expect(client.cancelAnswer("nosuchanswer0000000000000", asker.id)).rejects.toBeInstanceOf(RunNotFound);
      const cancelledAt = Date.now();
      await client.cancelAnswer(asked.answerId, asker.id);

      const { texts, end } = await ended(asked.answerId, 10_000);
      expect(Date.now() - cancelledAt).toBeLessThan(5000);
      expect(end).toMatchObject({ status: "stopped", mode: "model" });
      expect(texts.length).toBeGreaterThanOrEqual(streamed.length);
      expect(end.text.length).toBeGreaterThan(0);
      expect(end.text).toBe(texts.join(""));
      expect(end.text).not.toContain("worth watching");
      const stored = await asks.answerWith(asked.answerId, "stopped");
      expect(stored.text).toBe(end.text);
      // The model's stream was closed, and the answer waiting behind it took the slot.
      const call = llm.calls.find((c) => c.kind === "answer" && c.topic.includes("[slow]"));
      expect(call?.abortedAt).toBeDefined();
      expect((await ended(next.answerId)).end.status).toBe("done");
      await vi.waitFor(async () => expect(await client.answerState(asked.answerId)).toEqual({ state: "closed" }));
    });

    it("stops a queued answer without it ever taking a slot, and holds members to their quota", async () => {
      const hanging = await asks.ask(asker, "Tidal energy, in an answer that never ends [hang]", "en");
      await client.startAnswer(hanging.input, { quota: 2 });
      await vi.waitFor(async () => expect(await client.answerState(hanging.answerId)).toEqual({ state: "active" }), {
        timeout: 20_000,
        interval: 100,
      });
      const other = await asks.member();
      const queued = await asks.ask(other, "Waiting in line", "en");
      await client.startAnswer(queued.input, { quota: 1 });
      expect(await client.answerState(queued.answerId)).toEqual({ state: "queued", position: 1 });

      // One answer at a time for this member: another is refused; the same one again is not a new answer.
      const more = await asks.ask(other, "One more question", "en");
      await expect(client.startAnswer(more.input, { quota: 1 })).rejects.toBeInstanceOf(QuotaExceeded);
      await client.startAnswer(queued.input, { quota: 1 });
      await expect(client.startAnswer({ ...more.input, question: "  " }, { quota: 1 })).rejects.toBeInstanceOf(
        InvalidRequest,
      );
      await expect(
        client.startAnswer({ ...more.input, answerId: "not an id" } as Asked["input"], { quota: 1 }),
      ).rejects.toBeInstanceOf(InvalidRequest);

      await client.cancelAnswer(queued.answerId, other.id);
      const stopped = await asks.answerWith(queued.answerId, "stopped", 10_000);
      expect(stopped.text).toBe("");
      const { end, texts } = await ended(queued.answerId);
      expect(texts).toEqual([]);
      expect(end).toMatchObject({ attempt: 1, seq: 1, status: "stopped", text: "", citations: [] });
      expect(await tookSlot(queued.answerId)).toBe(false);
      expect(saves(queued.answerId).map((call) => call.answer?.status)).toEqual(["stopped"]);

      await client.cancelAnswer(hanging.answerId, asker.id);
      expect((await asks.answerWith(hanging.answerId, "stopped", 10_000)).status).toBe("stopped");
      expect(await tookSlot(hanging.answerId)).toBe(true);
    });

    // Last in this group: it replaces the model worker.
    it("starts an answer over when its worker is killed mid-stream, and saves the final answer once", async () => {
      const asked = await asks.ask(asker, "Slowly again, about tidal power [slow]", "en");
      await client.startAnswer(asked.input, { quota: 2 });
      await textEvents(asked.answerId, 2);
      const connection = await temporalConnection();
      let pid: number;
      try {
        const { pendingActivities } = await connection.workflowService.describeWorkflowExecution({
          namespace: "default",
          execution: { workflowId: `answer-${asked.answerId}` },
        });
        pid = Number(pendingActivities?.[0]?.lastWorkerIdentity?.split("@")[0]);
      } finally {
        await connection.close();
      }
      expect(pid).toBeGreaterThan(0);
      process.kill(pid, "SIGKILL");
      const { WORKER_METRICS_PORT: _port, ...settings } = modelWorker.env;
      modelWorker = await startWorker(settings);

      const { attempt, texts, end } = await ended(asked.answerId, 90_000);
      expect(attempt).toBe(2);
      expect(end.status).toBe("done");
      expect(texts.join("")).toBe(end.text);
      // The first attempt's events came first; the reader's page drops them when attempt 2 begins.
      const all = events.of(asked.answerId);
      expect(all[0]?.attempt).toBe(1);
      expect(all.findIndex((event) => event.attempt === 2)).toBeGreaterThan(0);
      expect(all.filter((event) => event.attempt === 1 && event.type === "end")).toEqual([]);

      const stored = await asks.answer(asked.answerId);
      expect(stored).toMatchObject({ status: "done", text: end.text });
      const finals = saves(asked.answerId).filter((call) => call.answer?.status !== "streaming");
      expect(finals.map((call) => [call.answer?.status, call.status])).toEqual([["done", 200]]);
      expect(finals[0]?.answer?.text).toBe(end.text);
    });
  });

  describe("without a language model", () => {
    let asker: Member;
    beforeAll(async () => {
      asker = await asks.member();
    });

    it("answers extractively from the best sentences, cited, a sentence at a time", async () => {
      const asked = await asks.ask(asker, "潮汐能为什么容易预测？", "zh-CN");
      await extractiveClient.startAnswer(asked.input, { quota: 2 });
      const { texts, end } = await ended(asked.answerId);
      expect(end).toMatchObject({ status: "done", mode: "extractive" });
      expect(end.model).toBeUndefined();
      expect(texts[0]).toBe(ASK_WORDING["zh-CN"].extracted);
      expect(texts.length).toBeGreaterThanOrEqual(5);
      expect(texts.join("")).toBe(end.text);
      expect(end.text).toContain("潮汐能的出力更容易预测，因为潮汐由月球引力决定[1]。");
      // Chinese articles first, numbered in the order quoted; every [n] has its article.
      expect(end.citations[0]).toMatchObject({ n: 1, locale: "zh-CN", title: "潮汐能发电入门" });
      const numbers = [...end.text.matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1]));
      expect([...new Set(numbers)].sort()).toEqual(end.citations.map((citation) => citation.n));
      expect(await asks.answer(asked.answerId)).toMatchObject({ status: "done", mode: "extractive", model: null });
      expect(events.refused).toEqual([]);
    });

    it("retries a push the community refused, and saves the answer even when the community stays away", async () => {
      events.outage.remaining = 2;
      const asked = await asks.ask(asker, "潮汐能电站的发电量稳定吗？", "zh-CN");
      await extractiveClient.startAnswer(asked.input, { quota: 2 });
      const { texts, end } = await ended(asked.answerId);
      // The first push was refused twice and accepted on its third try: nothing lost, nothing twice.
      expect(events.outage.refused).toBe(2);
      expect(texts[0]).toBe(ASK_WORDING["zh-CN"].extracted);
      expect(texts.join("")).toBe(end.text);

      events.outage.remaining = Number.POSITIVE_INFINITY;
      try {
        const unheard = await asks.ask(asker, "潮汐能为什么适合作为基础电源？", "zh-CN");
        await extractiveClient.startAnswer(unheard.input, { quota: 2 });
        const stored = await asks.answerWith(unheard.answerId, "done");
        expect(stored.text).toContain(ASK_WORDING["zh-CN"].extracted);
        expect(events.of(unheard.answerId)).toEqual([]);
      } finally {
        events.outage.remaining = 0;
      }
    });

    it("says so, in the member's language, when the community has nothing on the question", async () => {
      const asked = await asks.ask(asker, "Xylophone quaternion zeppelins?", "en");
      await extractiveClient.startAnswer(asked.input, { quota: 2 });
      const { texts, end } = await ended(asked.answerId);
      expect(end).toMatchObject({ status: "done", text: ASK_WORDING.en.nothingFound, citations: [] });
      expect(texts).toEqual([ASK_WORDING.en.nothingFound]);
      expect(await asks.answer(asked.answerId)).toMatchObject({ status: "done", text: ASK_WORDING.en.nothingFound });
    });
  });
});
