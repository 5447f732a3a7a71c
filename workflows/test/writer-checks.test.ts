// The LLM writer's checks on what a model wrote, the model client's errors by kind, and the rule that a run keeps
// its writer — without a stack: pure functions, and the chat client against a small local server.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createChat, errorKind, type ModelErrorKind } from "../src/llm/chat.ts";
import type { Checkpoint } from "../src/pipeline/checkpoint.ts";
import { PipelineError } from "../src/pipeline/errors.ts";
import { type PipelineDeps, writerOf } from "../src/pipeline/run-pipeline.ts";
import { cleanSection, repeatedShare, sectionProblem } from "../src/writer/section-checks.ts";
import type { Writer } from "../src/writer/types.ts";

describe("a section as the article's Markdown", () => {
  it("loses a wrapping fence, raw HTML and a heading of its own, and keeps its text and citations", () => {
    const raw =
      "```markdown\n## Tides\n<p>Tides are <b>predictable</b> [1].</p><br/><ul><li>One point [2]</li></ul>\n```";
    expect(cleanSection(raw)).toBe("Tides are predictable [1].\n\n- One point [2]");
    expect(cleanSection("Fish &amp; chips [1]")).toBe("Fish & chips [1]");
    expect(cleanSection("Cut off by the token limit [1]. Tides are [")).toBe(
      "Cut off by the token limit [1]. Tides are",
    );
  });

  it("finds what is wrong: the language, a repeat, no citation of a source that was read", () => {
    const en = "Tide gauges record the water level every six minutes along the coast [1].";
    const options = { language: "en" as const, sourceCount: 2, written: [] };
    expect(sectionProblem(en, options)).toBeNull();
    expect(sectionProblem("潮位站每六分钟记录一次水位，数据非常可靠[1]。", options)).toBe("language");
    expect(sectionProblem(en, { ...options, written: [en.replace("[1]", "[2]")] })).toBe("duplicate");
    expect(sectionProblem("Tide gauges record the water level every six minutes [7].", options)).toBe("uncited");
    expect(sectionProblem("  ", options)).toBe("empty");
    expect(
      sectionProblem("No sources at all, so nothing to cite here at all.", { ...options, sourceCount: 0 }),
    ).toBeNull();
    expect(repeatedShare("潮位站每六分钟记录一次水位。", "涡轮叶片的形状让它双向转动。", "zh-CN")).toBeLessThan(0.2);
    // Repeating the first part of a longer section is a repeat.
    const longer = `${en} Turbines turn in both directions as the current reverses [2]. Estuaries were surveyed first [1].`;
    expect(sectionProblem(en, { ...options, written: [longer] })).toBe("duplicate");
  });
});

describe("the model client's errors by kind", () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });
  /** A local endpoint answering each call with the next of `answers` (status, headers, body). */
  async function endpoint(
    answers: { status: number; headers?: Record<string, string>; body: string; hangMs?: number }[],
  ) {
    let calls = 0;
    server = createServer((_request, response) => {
      const answer = answers[Math.min(calls++, answers.length - 1)];
      if (!answer) return response.end();
      response.writeHead(answer.status, { "content-type": "text/event-stream", ...answer.headers });
      if (answer.hangMs) setTimeout(() => response.end(answer.body), answer.hangMs);
      else response.end(answer.body);
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, calls: () => calls };
  }
  const chunk = (content: string) =>
    `data: ${JSON.stringify({ id: "x", object: "chat.completion.chunk", created: 0, model: "m", choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
  const good = { status: 200, body: `${chunk("Hello")}data: [DONE]\n\n` };
  const seen: { requests: string[]; retries: ModelErrorKind[] } = { requests: [], retries: [] };
  const observer = {
    request: (_model: string, outcome: string) => seen.requests.push(outcome),
    retry: (_model: string, kind: ModelErrorKind) => seen.retries.push(kind),
  };
  const ask = (url: string, log: string[] = [], options: Partial<Parameters<typeof createChat>[0]> = {}) =>
    createChat({ baseURL: url, apiKey: "k", maxDelayMs: 50, observer, ...options }).complete({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      signal: new AbortController().signal,
      log: (_level, line) => log.push(line),
    });

  it("waits out a rate limit, saying how long, and counts the retry", async () => {
    seen.requests = [];
    seen.retries = [];
    const { url, calls } = await endpoint([
      { status: 429, headers: { "content-type": "application/json", "retry-after-ms": "20" }, body: "{}" },
      good,
    ]);
    const log: string[] = [];
    expect((await ask(url, log)).text).toBe("Hello");
    expect(calls()).toBe(2);
    expect(log).toEqual(["waiting to retry: model rate-limited (429), 1 s"]);
    expect(seen).toEqual({ requests: ["rate-limited", "ok"], retries: ["rate-limited"] });
  });

  it("gives malformed stream data up after two tries, as permanent", async () => {
    const { url, calls } = await endpoint([{ status: 200, body: "data: {not json\n\n" }]);
    const error = await ask(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect(error).toMatchObject({ kind: "llm-rejected", retryable: false });
    expect((error as Error).message).toMatch(/outside the chat completions protocol 2 times/);
    expect(calls()).toBe(2);
  });

  it("gives a refused request up at once, and tells a stalled stream in the log within seconds", async () => {
    const refused = await endpoint([{ status: 401, headers: { "content-type": "application/json" }, body: "{}" }]);
    await expect(ask(refused.url)).rejects.toMatchObject({ kind: "llm-rejected" });
    expect(refused.calls()).toBe(1);
    await new Promise((resolve) => server?.close(resolve));
    const slow = await endpoint([{ ...good, hangMs: 700 }]);
    const log: string[] = [];
    await ask(slow.url, log, { slowNoticeMs: 200, idleTimeoutMs: 5000 });
    expect(log.some((line) => /has sent nothing for \d+ s; waiting up to 5 s/.test(line))).toBe(true);
    expect(errorKind(new SyntaxError("Unexpected token"))).toBe("protocol");
  });
});

describe("the outline's JSON schema", () => {
  it("is sent as response_format, and dropped once for an endpoint that refuses it", async () => {
    const bodies: Record<string, unknown>[] = [];
    const server = createServer((request, response) => {
      let raw = "";
      request.on("data", (piece) => {
        raw += piece;
      });
      request.on("end", () => {
        const body = JSON.parse(raw) as Record<string, unknown>;
        bodies.push(body);
        if (body.response_format) {
          response.writeHead(400, { "content-type": "application/json" }).end('{"error":{"message":"no"}}');
          return;
        }
        const delta = {
          id: "x",
          object: "chat.completion.chunk",
          created: 0,
          model: "m",
          choices: [{ index: 0, delta: { content: "{}" }, finish_reason: null }],
        };
        response
          .writeHead(200, { "content-type": "text/event-stream" })
          .end(`data: ${JSON.stringify(delta)}\n\ndata: [DONE]\n\n`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const log: string[] = [];
      const schema = { name: "outline", schema: { type: "object" } };
      const answer = await createChat({
        baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
        apiKey: "k",
      }).complete({
        model: "m",
        messages: [{ role: "user", content: "outline" }],
        signal: new AbortController().signal,
        log: (_level, line) => log.push(line),
        jsonSchema: schema,
      });
      expect(answer.text).toBe("{}");
      expect(bodies[0]?.response_format).toEqual({ type: "json_schema", json_schema: schema });
      expect(bodies[1]?.response_format).toBeUndefined();
      expect(log).toEqual(["the language model m does not take a JSON schema; asking without one"]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("one writer per run", () => {
  const llm: Writer = {
    offline: false,
    models: ["big-model"],
    outline: async () => ({}) as never,
    section: async () => "",
  };
  const offline: Writer = { ...llm, offline: true, models: ["offline-extractive"] };
  const checkpoint = (writer?: Checkpoint["writer"]): Checkpoint => ({
    version: 1,
    firstStartedAt: 0,
    sections: [],
    usage: { promptTokens: 0, completionTokens: 0, costUsd: 0, models: [] },
    ...(writer ? { writer } : {}),
  });
  const run = (cp: Checkpoint) => ({ checkpoint: cp, request: { model: undefined } }) as never;
  const deps = (writer: Writer, asked: unknown[] = []) =>
    ({
      writerFor: (request: unknown) => {
        asked.push(request);
        return writer;
      },
    }) as unknown as PipelineDeps;

  it("records the first attempt's writer and keeps it when resumed", () => {
    const fresh = checkpoint();
    expect(writerOf(run(fresh), deps(llm), () => {}).offline).toBe(false);
    expect(fresh.writer).toEqual({ offline: false, models: ["big-model"] });
    // Recorded offline: a worker with a model still writes it offline.
    expect(
      writerOf(run(checkpoint({ offline: true, models: ["offline-extractive"] })), deps(llm), () => {}).offline,
    ).toBe(true);
    // Recorded with a model: this worker's writer is asked for that model.
    const asked: unknown[] = [];
    writerOf(run(checkpoint({ offline: false, models: ["big-model"] })), deps(llm, asked), () => {});
    expect(asked).toEqual([{ model: "big-model" }]);
  });

  it("waits (retryable) rather than finish a model's run on a worker without one", () => {
    expect(() => writerOf(run(checkpoint({ offline: false, models: ["big-model"] })), deps(offline), () => {})).toThrow(
      expect.objectContaining({ kind: "llm-unavailable", retryable: true }),
    );
  });
});
