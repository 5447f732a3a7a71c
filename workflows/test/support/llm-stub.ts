// A local OpenAI-compatible chat completions server standing in for the LLM: SSE streaming with a usage chunk,
// configurable delays, and faults injected by markers in the article topic:
//   [429]        the first outline request for the topic answers 429 with Retry-After: 1
//   [500]        the first section request for the topic answers 500
//   [hang]       section requests send one chunk, then nothing until the client goes away
//   [slow]       sections take `slowSectionMs`
//   [wronglang]  the first section comes back in English whatever language was asked for
//   [flaky]      the first five requests for the topic answer 503 (one call and its four retries: the attempt fails
//                and the run retries it after its pause)
// Answers of Ask Inkstone ("TASK: ANSWER") stream at a fixed rate, a piece every `answerPieceMs`, with markers in
// the question: [slow] a piece every `slowAnswerPieceMs`; [hang] one piece, then nothing until the client goes away.
import { listen, readBody } from "./http.ts";

export type LlmCall = {
  kind: "outline" | "section" | "answer" | "other";
  topic: string;
  heading: string;
  model: string;
  status: number;
  at: number;
  /** Set when the client closed the connection before the answer ended. */
  abortedAt?: number;
  /** The conversation as sent. */
  messages: Message[];
};

export type LlmStubConfig = {
  outlineMs: number;
  sectionMs: number;
  slowSectionMs: number;
  sections: number;
  answerPieceMs: number;
  slowAnswerPieceMs: number;
};

type Message = { role: string; content: string };

export async function startLlmStub(initial: Partial<LlmStubConfig> = {}) {
  const config: LlmStubConfig = {
    outlineMs: 200,
    sectionMs: 300,
    slowSectionMs: 2500,
    sections: 3,
    answerPieceMs: 60,
    slowAnswerPieceMs: 400,
    ...initial,
  };
  const calls: LlmCall[] = [];
  const seen = new Set<string>();
  const once = (key: string) => !seen.has(key) && seen.add(key) !== undefined;
  const flaky = new Map<string, number>();

  const http = await listen(async (request, response) => {
    if (request.method !== "POST" || !request.url?.endsWith("/chat/completions")) {
      response.writeHead(404).end();
      return;
    }
    const body = JSON.parse(await readBody(request)) as { model: string; messages: Message[]; stream?: boolean };
    const prompt = body.messages.map((m) => m.content).join("\n");
    const kind = prompt.includes("TASK: OUTLINE")
      ? "outline"
      : prompt.includes("TASK: SECTION")
        ? "section"
        : prompt.includes("TASK: ANSWER")
          ? "answer"
          : "other";
    const topic = (kind === "answer" ? /^Question: (.*)$/m : /^Topic: (.*)$/m).exec(prompt)?.[1] ?? "";
    const heading = /^Write section \d+ of \d+: (.*)$/m.exec(prompt)?.[1] ?? "";
    const zh = /^Language: zh-CN$/m.test(prompt);
    const call: LlmCall = {
      kind,
      topic,
      heading,
      model: body.model,
      status: 200,
      at: Date.now(),
      messages: body.messages,
    };
    calls.push(call);
    const fail = (status: number, headers: Record<string, string> = {}) => {
      call.status = status;
      response
        .writeHead(status, { "content-type": "application/json", ...headers })
        .end(JSON.stringify({ error: { message: `stub ${status}`, type: "stub_error", code: null } }));
    };
    if (kind === "outline" && topic.includes("[429]") && once(`429:${topic}`)) return fail(429, { "retry-after": "1" });
    if (kind === "section" && topic.includes("[500]") && once(`500:${topic}`)) return fail(500);
    if (topic.includes("[flaky]") && (flaky.get(topic) ?? 0) < 5) {
      flaky.set(topic, (flaky.get(topic) ?? 0) + 1);
      return fail(503, { "retry-after": "0.2" });
    }
    // "[down]": the model is unavailable for good (a short Retry-After, so its retries pass quickly).
    if (topic.includes("[down]")) return fail(503, { "retry-after": "0.2" });

    response.on("close", () => {
      if (!response.writableFinished) call.abortedAt = Date.now();
    });
    if (kind === "answer") {
      const passages = [...prompt.matchAll(/^\[(\d+)\] /gm)].map((m) => Number(m[1]));
      // Asked in Chinese: the system message pins the language (languageInstruction).
      const text = answer(passages, prompt.includes("简体中文"));
      const pieceMs = topic.includes("[hang]")
        ? Number.POSITIVE_INFINITY
        : topic.includes("[slow]")
          ? config.slowAnswerPieceMs
          : config.answerPieceMs;
      return stream(response, body.model, text, prompt.length, pieceMs * Math.ceil(text.length / 40));
    }
    const sources = [...prompt.matchAll(/^\[(\d+)\] .+ — https?:\/\/\S+$/gm)].map((m) => Number(m[1]));
    const english = !zh || (kind === "section" && topic.includes("[wronglang]") && once(`lang:${topic}`));
    // Asked to continue a section: the how-many-th time, so each addition quotes sentences not quoted yet.
    const round = body.messages.filter((m) => m.role === "assistant").length;
    const text =
      kind === "outline"
        ? outline(topic, config.sections, sources, zh)
        : section(
            Number(/^Write section (\d+) of \d+:/m.exec(prompt)?.[1] ?? 1) - 1,
            sourceTexts(prompt),
            english,
            round,
            {
              // "[dupe]": every section the same text, however it is asked (the writer must leave the repeats out).
              same: topic.includes("[dupe]"),
              // "[html]": the answer wrapped in a code fence with raw HTML inside (the writer must clean it).
              html: topic.includes("[html]"),
            },
          );
    const hang = kind === "section" && topic.includes("[hang]");
    const delay =
      kind === "outline"
        ? config.outlineMs
        : // Only a section's first answer is slow: asked to continue, it answers at the usual pace.
          topic.includes("[slow]") && round === 0
          ? config.slowSectionMs
          : config.sectionMs;
    await stream(response, body.model, text, prompt.length, hang ? Number.POSITIVE_INFINITY : delay);
  });

  return { url: `${http.url}/v1`, calls, config, close: http.close };
}

async function stream(
  response: import("node:http").ServerResponse,
  model: string,
  text: string,
  promptChars: number,
  delayMs: number,
): Promise<void> {
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const id = `chatcmpl-${Math.random().toString(36).slice(2)}`;
  const send = (payload: unknown) => response.write(`data: ${JSON.stringify(payload)}\n\n`);
  const chunk = (delta: Record<string, string>, finish: string | null = null) =>
    send({
      id,
      object: "chat.completion.chunk",
      created: 0,
      model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
  const pieces = text.match(/[\s\S]{1,40}/g) ?? [];
  chunk({ role: "assistant", content: "" });
  if (!Number.isFinite(delayMs)) {
    chunk({ content: pieces[0] ?? "" });
    return; // hang: the client has to give up (cancellation) for this request to end
  }
  for (const piece of pieces) {
    if (response.destroyed) return;
    await new Promise((resolve) => setTimeout(resolve, delayMs / pieces.length));
    chunk({ content: piece });
  }
  chunk({}, "stop");
  send({
    id,
    object: "chat.completion.chunk",
    created: 0,
    model,
    choices: [],
    usage: {
      prompt_tokens: Math.ceil(promptChars / 4),
      completion_tokens: Math.ceil(text.length / 4),
      total_tokens: Math.ceil(promptChars / 4) + Math.ceil(text.length / 4),
    },
  });
  response.end("data: [DONE]\n\n");
}

function outline(topic: string, count: number, sources: number[], zh: boolean): string {
  const sections = Array.from({ length: count }, (_, i) => ({
    heading: zh ? `第${i + 1}部分：${topic}` : `Part ${i + 1}: ${topic}`,
    points: [zh ? "要点" : "a point"],
    sources: sources.slice(0, 2),
  }));
  const json = {
    title: zh ? `关于${topic}的文章` : `All about ${topic}`,
    summary: zh ? `本文介绍${topic}。` : `An article about ${topic}.`,
    tags: [zh ? "能源" : "energy"],
    sections,
  };
  // Reasoning models think out loud before answering; the worker must strip this.
  return `<think>The user wants an outline. Let me plan [7] sections.</think>\n\`\`\`json\n${JSON.stringify(json)}\n\`\`\``;
}

/** Sentences only one section says, so sections differ as a real model's do. */
const DISTINCT = {
  en: [
    "Tide gauges along the coast record the water level every six minutes.",
    "Turbine blades are shaped to turn in both directions as the current reverses.",
    "Sediment moved by the barrage changes where birds can feed at low water.",
    "Operators sell the output a day ahead because its timing is known years in advance.",
    "Maintenance crews work in the short slack-water window between tides.",
    "Estuaries with a large tidal range were surveyed first.",
  ],
  zh: [
    "沿海的潮位站每六分钟记录一次水位。",
    "涡轮叶片的形状让它在水流反向时也能转动。",
    "拦潮坝带走的泥沙改变了鸟类在低潮时觅食的地方。",
    "运营方提前一天出售电力，因为潮汐的时间多年前就能算出。",
    "维修人员只能在两次潮汐之间短暂的平潮期作业。",
    "潮差大的河口最先被勘测。",
  ],
};

/** The numbered sources of a prompt and their excerpts, as prompts.ts's sourcesBlock lists them. */
function sourceTexts(prompt: string): Map<number, string> {
  const block = prompt.split(/\nSources:\n/)[1] ?? "";
  const texts = new Map<number, string>();
  for (const entry of block.split(/\n\n(?=\[\d+\] .+ — https?:\/\/)/)) {
    const head = /^\[(\d+)\] .+ — https?:\/\/\S+\n([\s\S]*)$/.exec(entry);
    if (head) texts.set(Number(head[1]), head[2] ?? "");
  }
  return texts;
}

/** A source excerpt's sentences long enough to quote. */
function quotable(text: string): string[] {
  return (text.match(/[^.!?。！？\n]+[.!?。！？]/g) ?? []).map((s) => s.trim()).filter((s) => s.length >= 12);
}

/**
 * A section as a faithful model writes it: a sentence quoted from each source it was given,
 * cited; one sentence of its own wrongly cited (the writer must take that citation off), a thought to strip and a
 * citation of a source nobody read. `index`: which section of the outline; `round` > 0 (asked to continue): quotes
 * further into the sources.
 */
function section(
  index: number,
  sources: Map<number, string>,
  english: boolean,
  round: number,
  quirks: { same: boolean; html: boolean } = { same: false, html: false },
): string {
  const numbers = [...sources.keys()];
  const thinking = "<think>I should cite [42] here.</think>";
  const part = quirks.same ? 0 : index;
  const pool = english ? DISTINCT.en : DISTINCT.zh;
  const own = pool[(part + round) % pool.length] ?? "";
  const first = numbers[0] ?? 1;
  // Quoted only in the language asked for: a model answering in the wrong language does not quote.
  const quotes = numbers.flatMap((n) => {
    const sentences = quotable(sources.get(n) ?? "").filter((s) => /\p{Script=Han}/u.test(s) !== english);
    const sentence = sentences[(part * 2 + round * 5) % Math.max(1, sentences.length)];
    return sentence ? [cite(sentence, n, english)] : [];
  });
  // "[dupe]" repeats whole sections; asked to continue one, it adds new quotes like any other answer.
  const text =
    quirks.same && round === 0
      ? english
        ? `Every part of this article says the same thing about tides. ${quotes.join(" ")} ${own} [${first}]`
        : `本文每一部分都说着关于潮汐的同样内容。${quotes.join("")}${own}[${first}]`
      : english
        ? `${thinking}${quotes.join(" ")} ${own} [${first}] A claim from a source nobody read [99].`
        : `${thinking}${quotes.join("")}${own}[${first}]这里引用了一个没有读过的资料[99]。`;
  return quirks.html
    ? `\`\`\`markdown\n<p>${text}</p><br/><ul><li>A listed point [${first}]</li></ul>\n\`\`\``
    : text.replace(/^\s+/, "");
}

function cite(sentence: string, n: number, english: boolean): string {
  const end = /[.!?。！？]$/.exec(sentence)?.[0] ?? "";
  return `${sentence.slice(0, sentence.length - end.length)}${english ? " " : ""}[${n}]${end}`;
}

/** An answer citing the last passage first (the worker renumbers by first appearance) and one that does not exist. */
function answer(passages: number[], zh: boolean): string {
  const last = passages.at(-1) ?? 1;
  const first = passages[0] ?? 1;
  return zh
    ? `<think>先看资料[${last}]。</think>根据社区的文章，潮汐能的出力比风能更容易预测[${last}]。建设电站之前，需要权衡成本和生态影响[${first}]。研究人员在多个海湾做过测量，结果相当一致[${last}][${first}]。这里还引用了一篇不存在的文章[99]。总的来说，这是一种值得关注的可再生能源[${first}]。`
    : `<think>Passage [${last}] looks most relevant.</think>According to the community's articles, tidal power is easier to predict than wind [${last}]. Before building, engineers weigh the costs against the harm to estuaries [${first}]. Measurements at several bays agree with earlier work [${last}, ${first}]. This sentence cites an article that does not exist [99]. All in all, it is a renewable source worth watching [${first}].`;
}

/** A section's first ask, not a request to continue it (those carry what was written as the assistant's turn). */
export const firstAsk = (call: LlmCall) => !call.messages.some((message) => message.role === "assistant");
