import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { webhookHeaders } from "@inkstone/config/webhook";
import pg from "pg";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type CmsApi, cmsApi, PASSWORD } from "../../cms/test/cms-api.ts";
import { hasJava, invalidPages } from "../../scripts/quality/vnu.ts";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { articlePage, prose, startFixtureWeb } from "../../workflows/test/support/fixture-web.ts";
import type { AnswerEvent } from "../src/lib/ask/events.ts";
import { AnswerEvents } from "../src/lib/store/answers.ts";
import { findChromium, launchChromium } from "./support/browser.ts";
import { type Published, publishArticle } from "./support/content.ts";
import { startAnotherReplica } from "./support/replicas.ts";
import { clock, testStore } from "./support/store.ts";
import { addressedVisitor, nextTestAddress, type Reply, Visitor } from "./support/visitor.ts";

// Ask Inkstone through the community, against the real CMS, Temporal and worker (no language model configured, so
// answers are extractive), behind a trusted proxy (each visitor its own X-Forwarded-For). One generation slot, which
// a run reading a slow source holds while the queue is under test.

const json = { accept: "application/json" };
const chromium = findChromium();

let env: StackEnv;
let base: string;
let api: CmsApi;
let cmsDb: pg.Client;
let storeDb: pg.Client;
let web: Awaited<ReturnType<typeof startFixtureWeb>>;
let okapis: Published;
let tides: Published;

beforeAll(async () => {
  web = await startFixtureWeb({
    "/slow": { body: articlePage("Tide tables", prose("Tide tables")), delayMs: 110_000 },
  });
  ({ env } = await startTestApps(["cms", "worker", "community"], {
    GENERATION_CONCURRENCY: "1",
    GENERATION_QUOTA: "10",
    ASK_QUOTA: "2",
    FETCH_ALLOW_PRIVATE: "true",
    FETCH_TIMEOUT_MS: "120000",
    TRUSTED_PROXIES: "127.0.0.1,::1",
  }));
  base = String(env.COMMUNITY_URL);
  api = cmsApi(env);
  cmsDb = new pg.Client({ connectionString: String(env.DATABASE_URL) });
  await cmsDb.connect();
  storeDb = new pg.Client({ connectionString: String(env.COMMUNITY_DATABASE_URL) });
  await storeDb.connect();
  const author = await api.signUp("okapi-writer");
  okapis = await publishArticle(api, author.user.documentId, "ask-okapis", {
    title: "What okapis eat in the forest",
    summary: "Okapis browse leaves, buds and fruit in the Ituri forest.",
    body:
      "## Diet\n\nOkapis eat the leaves and buds of more than a hundred forest plants. " +
      "They also eat fruit, ferns and fungi that grow in the shade of the Ituri forest. " +
      "An okapi uses its long tongue to strip leaves from branches. " +
      "Okapis visit clay banks to eat charcoal and mineral-rich clay. " +
      "Young okapis drink their mother's milk for the first months.\n",
  });
  tides = await publishArticle(api, author.user.documentId, "ask-tides", {
    locale: "zh-CN",
    title: "霍加狓吃什么",
    summary: "霍加狓在伊图里森林里吃树叶、嫩芽和果实。",
    body: "## 食物\n\n霍加狓吃一百多种森林植物的叶子和嫩芽。它们也吃果实、蕨类和真菌。霍加狓用长舌头从树枝上卷下叶子。它们会去河岸吃富含矿物质的黏土。\n",
  });
  // Answers are drawn from the search index, which the CMS fills from its outbox.
  const reader = new Visitor(base);
  await until(async () => (await reader.get("/en/search?q=okapis")).text.includes(`/en/a/${okapis.slug}`));
  await until(async () =>
    (await reader.get("/zh-CN/search?q=霍加狓")).text.includes(`/zh-CN/a/${encodeURIComponent(tides.slug)}`),
  );
});
afterAll(async () => {
  await cmsDb?.end();
  await storeDb?.end();
  await web?.close();
});

/** Resolves once `check` is true, asking every half second; throws after `timeoutMs` (works in hooks too). */
async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  await vi.waitFor(
    async () => {
      if (!(await check())) throw new Error(`not so yet: ${check}`);
    },
    { timeout: timeoutMs, interval: 500 },
  );
}

const visitor = () => addressedVisitor(base);

/** A member: their browser (signed in through the community) and their own JWT, to check the CMS as they would. */
type Member = { name: string; userId: string; visitor: Visitor; jwt: string };

/** A new member, signed up through the community from an address of their own. */
async function join(name: string): Promise<Member> {
  const v = visitor();
  const reply = await v.post(
    "/api/auth/signup",
    { username: name, email: `${name}@example.test`, password: PASSWORD, next: "/en/" },
    json,
  );
  expect(reply.status, reply.text).toBe(200);
  const { rows } = await cmsDb.query("SELECT document_id FROM up_users WHERE username = $1", [name]);
  const signedIn = await api.signIn(name, PASSWORD, nextTestAddress());
  expect(signedIn.status).toBe(200);
  return { name, userId: rows[0].document_id, visitor: v, jwt: signedIn.body.jwt };
}

/** Asks as a script does; returns the ids. */
async function ask(
  member: Member,
  question: string,
  locale = "en",
): Promise<{ conversationId: string; answerId: string }> {
  const reply = await member.visitor.post("/api/ask", { question, locale, next: `/${locale}/ask` }, json);
  expect(reply.status, reply.text).toBe(200);
  return JSON.parse(reply.text).data;
}

const rows = async (db: pg.Client, sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows;
/** The member's conversations, as the CMS lists them to the member. */
async function conversationsOf(member: Member): Promise<string[]> {
  const reply = await api.call("GET", "/api/conversations?pageSize=50", { token: member.jwt });
  expect(reply.status).toBe(200);
  return (reply.body.data as { documentId: string }[]).map((c) => c.documentId).sort();
}
const messageCount = async () => Number((await rows(cmsDb, "SELECT count(*) AS n FROM conversation_messages"))[0].n);
const answerStatus = async (member: Member, conversationId: string, answerId: string) => {
  const reply = await member.visitor.get(`/en/ask/${conversationId}`);
  return reply.text.match(new RegExp(`id="answer-${answerId}"[^>]*data-status="([a-z]+)"`))?.[1];
};

// ---------------------------------------------------------------------------------------------------------------
// Server-sent events, read raw.

type Sse = { event: string; id?: string; data: any };

/** Reads an event stream as it arrives: each `next()` is the next event (comments and `retry:` skipped). */
function readEvents(response: Response) {
  const body = response.body;
  if (!body) throw new Error("no body");
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const parse = (block: string): Sse | undefined => {
    let event = "message";
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("id: ")) id = line.slice(4);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
    }
    return data.length ? { event, ...(id ? { id } : {}), data: JSON.parse(data.join("\n")) } : undefined;
  };
  return {
    async next(timeoutMs = 20_000): Promise<Sse | undefined> {
      for (;;) {
        const at = buffer.indexOf("\n\n");
        if (at >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const event = parse(block);
          if (event) return event;
          continue;
        }
        let timer: NodeJS.Timeout | undefined;
        const read = await Promise.race([
          reader.read(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]).finally(() => clearTimeout(timer));
        if (read.done) return undefined;
        buffer += decoder.decode(read.value, { stream: true });
      }
    },
    /** Every event up to the end of the stream. */
    async rest(timeoutMs = 60_000): Promise<Sse[]> {
      const events: Sse[] = [];
      for (let event = await this.next(timeoutMs); event; event = await this.next(timeoutMs)) events.push(event);
      return events;
    },
    close: () => reader.cancel().catch(() => undefined),
  };
}

/** Opens the answer's stream as `member`'s browser would (their cookie), from `at` (a replica's base URL). */
async function stream(
  member: Member | Visitor,
  ids: { conversationId: string; answerId: string },
  { lastEventId, at = base, locale = "en" }: { lastEventId?: string; at?: string; locale?: string } = {},
) {
  const v = member instanceof Visitor ? member : member.visitor;
  const session = v.cookie("inkstone_session");
  const response = await fetch(
    `${at}/api/answers/${ids.answerId}/stream?conversation=${ids.conversationId}&locale=${locale}`,
    {
      headers: {
        accept: "text/event-stream",
        ...(session ? { cookie: `inkstone_session=${session}` } : {}),
        ...(lastEventId ? { "last-event-id": lastEventId } : {}),
      },
    },
  );
  return { response, events: response.ok ? readEvents(response) : undefined };
}

/** Pushes an answer event as the worker does: signed, delivery id answer:attempt:seq (unless told otherwise). */
function push(
  event: Record<string, unknown> & { answerId: string; attempt: number; seq: number },
  {
    at = base,
    secret = String(env.COMMUNITY_WEBHOOK_SECRET),
    now = Date.now(),
    delivery = `${event.answerId}:${event.attempt}:${event.seq}`,
    body = JSON.stringify(event),
  } = {},
) {
  return fetch(`${at}/api/answers/${event.answerId}/events`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...webhookHeaders(secret, body, delivery, now) },
  });
}
/**
 * A question saved in the CMS as the member, whose answer no worker writes (it was never queued): the events of that
 * answer are the test's own.
 */
async function unqueuedAnswer(member: Member, question: string) {
  const created = await api.call("POST", "/api/conversations", {
    token: member.jwt,
    body: { data: { question, locale: "en" } },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return {
    conversationId: created.body.data.conversation.documentId as string,
    answerId: created.body.data.answer.documentId as string,
  };
}

/** Pages as served, by name, for the HTML checker at the end. */
const served = new Map<string, string>();

const storedEvents = async (answerId: string) =>
  rows(storeDb, "SELECT attempt, seq, body FROM answer_events WHERE answer_id = $1 ORDER BY attempt, seq", [answerId]);

// ---------------------------------------------------------------------------------------------------------------

describe("asking with a free slot", () => {
  let ada: Member;
  beforeAll(async () => {
    ada = await join("ada-asks");
  });

  it("answers from the articles, streamed to the end, with [n] linked to the cited article", async () => {
    const page = await ada.visitor.get("/en/ask");
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("private, no-store");
    expect(page.text).toContain('<label for="ask-question">Your question</label>');
    expect(page.text).toMatch(/<a href="\/en\/ask" aria-current="page">Ask<\/a>/);
    served.set("en-ask-empty", page.text);

    const posted = await ada.visitor.post("/api/ask", {
      question: "What do okapis eat?",
      locale: "en",
      next: "/en/ask",
    });
    expect(posted.status).toBe(303);
    const [, conversationId, answerId] = posted.location?.match(/^\/en\/ask\/([a-z0-9]+)#answer-([a-z0-9]+)$/) ?? [];
    expect(conversationId && answerId, String(posted.location)).toBeTruthy();
    const ids = { conversationId: String(conversationId), answerId: String(answerId) };

    const { response, events } = await stream(ada, ids);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("cache-control")).toContain("no-store");
    expect(response.headers.get("x-accel-buffering")).toBe("no");
    expect(response.headers.get("content-encoding")).toBeNull();
    const all = (await events?.rest()) ?? [];
    const end = all.at(-1);
    expect(end?.event).toBe("end");
    expect(all.filter((e) => e.event === "end")).toHaveLength(1);
    expect(end?.data).toMatchObject({ status: "done", mode: "extractive" });
    expect(end?.data.citations).toEqual(
      expect.arrayContaining([expect.objectContaining({ documentId: okapis.documentId, slug: okapis.slug })]),
    );
    expect(end?.data.html).toContain(`href="/en/a/${okapis.slug}"`);
    // Text streamed before the end, if the stream joined early enough to see it, adds up to the final text.
    const texts = all.filter((e) => e.event === "text");
    if (texts.length > 0 && !all.some((e) => e.event === "reset"))
      expect(texts.map((e) => e.data.text).join("")).toBe(end?.data.text);

    // Ended: the stream is its end at once, and the page shows the answer as the server renders it.
    const again = await stream(ada, ids);
    expect(await again.events?.rest(5000)).toEqual([expect.objectContaining({ event: "end", data: end?.data })]);
    const shown = await ada.visitor.get(`/en/ask/${ids.conversationId}`);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain("What do okapis eat?");
    expect(shown.text).toContain("Extractive answer");
    expect(shown.text).toMatch(
      new RegExp(`<sup class="cite"><a href="/en/a/${okapis.slug}" title="[^"]*">\\[1\\]</a></sup>`),
    );
    expect(shown.text).not.toContain('http-equiv="refresh"');
    expect(shown.text).not.toContain("data-answer-stream");
    served.set("en-conversation-done", shown.text);
    // The conversation is listed, titled after the question.
    expect((await ada.visitor.get("/en/ask")).text).toContain(`href="/en/ask/${ids.conversationId}"`);
  });

  it("answers in Chinese on the Chinese pages, and takes follow-ups in the same conversation", async () => {
    const posted = await ada.visitor.submit("/api/ask", {
      question: "霍加狓吃什么？",
      locale: "zh-CN",
      next: "/zh-CN/ask",
    });
    expect(posted.status).toBe(200);
    expect(posted.text).toContain("你的问题已进入队列。");
    const conversationId = posted.text.match(/action="\/api\/ask\/([a-z0-9]+)"/)?.[1] ?? "";
    const pending = posted.text.match(/id="answer-([a-z0-9]+)"/)?.[1] ?? "";
    const ids = { conversationId, answerId: pending };
    const end = (await (await stream(ada, ids, { locale: "zh-CN" })).events?.rest())?.at(-1);
    expect(end?.data.status).toBe("done");
    expect(end?.data.html).toContain("摘录式回答");
    const page = await ada.visitor.get(`/zh-CN/ask/${conversationId}`);
    expect(page.text).toContain('<html lang="zh-CN"');
    served.set("zh-conversation-done", page.text);
    expect(page.text).toContain("墨石的回答");
    // Cited: the Chinese article, the English one, or both (retrieval reads both languages, the asked one first).
    expect(page.text).toMatch(/<sup class="cite"><a href="\/(zh-CN|en)\/a\//);

    const followUp = await ada.visitor.post(
      `/api/ask/${conversationId}`,
      { question: "它们还吃别的吗？", next: `/zh-CN/ask/${conversationId}` },
      json,
    );
    expect(followUp.status, followUp.text).toBe(200);
    const second = JSON.parse(followUp.text).data;
    expect(second.conversationId).toBe(conversationId);
    const done = (await (await stream(ada, second, { locale: "zh-CN" })).events?.rest())?.at(-1);
    expect(done?.event).toBe("end");
    const thread = await ada.visitor.get(`/zh-CN/ask/${conversationId}`);
    expect(thread.text.indexOf("霍加狓吃什么？")).toBeLessThan(thread.text.indexOf("它们还吃别的吗？"));
  });
});

describe("the stream", () => {
  let eve: Member;
  const unqueued = (question: string) => unqueuedAnswer(eve, question);

  beforeAll(async () => {
    eve = await join("eve-streams");
  });

  it("resumes after Last-Event-ID with nothing lost and nothing twice, starts over on a new attempt, and ends", async () => {
    const ids = await unqueued("How long do okapis live?");
    const words = ["Okapis ", "live ", "about ", "twenty ", "years ", "in ", "zoos"];
    for (const [i, text] of words.slice(0, 5).entries())
      expect((await push({ answerId: ids.answerId, attempt: 1, seq: i + 1, type: "text", text })).status).toBe(200);

    const first = await stream(eve, ids);
    const seen: Sse[] = [];
    for (let i = 0; i < 3; i++) seen.push((await first.events?.next()) as Sse);
    await first.events?.close();
    expect(seen.map((e) => [e.event, e.id])).toEqual([
      ["text", "1.1"],
      ["text", "1.2"],
      ["text", "1.3"],
    ]);

    // Reconnecting as a browser does: after 1.3 come 1.4 and 1.5, then what is pushed meanwhile, live.
    const second = await stream(eve, ids, { lastEventId: "1.3" });
    const resumed = [(await second.events?.next()) as Sse, (await second.events?.next()) as Sse];
    for (const [i, text] of words.slice(5).entries())
      expect((await push({ answerId: ids.answerId, attempt: 1, seq: i + 6, type: "text", text })).status).toBe(200);
    resumed.push((await second.events?.next()) as Sse, (await second.events?.next()) as Sse);
    expect(resumed.map((e) => e.id)).toEqual(["1.4", "1.5", "1.6", "1.7"]);
    expect([...seen, ...resumed].map((e) => e.data.text).join("")).toBe(words.join(""));

    // The worker's activity retried: its text starts over, and the stream says so before sending it.
    expect(
      (await push({ answerId: ids.answerId, attempt: 2, seq: 1, type: "text", text: "Okapis live " })).status,
    ).toBe(200);
    const reset = await second.events?.next();
    expect(reset?.event).toBe("reset");
    expect(await second.events?.next()).toEqual({ event: "text", id: "2.1", data: { text: "Okapis live " } });
    // The older attempt's late push is accepted and dropped; only the latest attempt is kept.
    expect((await push({ answerId: ids.answerId, attempt: 1, seq: 8, type: "text", text: "late" })).status).toBe(200);
    expect((await storedEvents(ids.answerId)).map((row) => `${row.attempt}.${row.seq}`)).toEqual(["2.1"]);

    const final = "Okapis live about twenty years [1].";
    const citations = [{ n: 1, documentId: okapis.documentId, locale: "en", slug: okapis.slug, title: okapis.title }];
    const ended = await push({
      answerId: ids.answerId,
      attempt: 2,
      seq: 2,
      type: "end",
      status: "done",
      text: final,
      citations,
      mode: "extractive",
    });
    expect(ended.status).toBe(200);
    const end = await second.events?.next();
    expect(end).toMatchObject({ event: "end", data: { status: "done", text: final, citations, mode: "extractive" } });
    expect(end?.data.html).toContain(`<a href="/en/a/${okapis.slug}"`);
    expect(await second.events?.next()).toBeUndefined();

    // A browser that had the old attempt's text reconnects: it is told to start over, then gets the new text.
    const late = await stream(eve, ids, { lastEventId: "1.7" });
    expect((await late.events?.rest(5000))?.map((e) => e.event)).toEqual(["reset", "text", "end"]);
    // One that had it all gets just the end.
    const caughtUp = await stream(eve, ids, { lastEventId: "2.1" });
    expect((await caughtUp.events?.rest(5000))?.map((e) => e.event)).toEqual(["end"]);
  });

  it("refuses forged, old, replayed and malformed pushes with 4xx and a message, storing nothing", async () => {
    const ids = await unqueued("Where do okapis live?");
    const event = { answerId: ids.answerId, attempt: 1, seq: 1, type: "text", text: "In the Ituri forest." };
    const refusals: [string, Response, number, string][] = [
      ["wrong secret", await push(event, { secret: "x".repeat(48) }), 401, "bad_signature"],
      ["six minutes old", await push(event, { now: Date.now() - 6 * 60_000 }), 401, "bad_signature"],
      ["delivery id of another event", await push(event, { delivery: `${ids.answerId}:1:2` }), 400, "invalid"],
      ["no delivery id", await push(event, { delivery: "" }), 400, "missing_delivery"],
      ["not JSON", await push(event, { body: "{not json" }), 400, "malformed"],
      ["unknown type", await push({ ...event, type: "poem" }), 400, "invalid"],
      ["extra field", await push({ ...event, html: "<script>" }), 400, "invalid"],
      ["seq 0", await push({ ...event, seq: 0 }, { delivery: `${ids.answerId}:1:0` }), 400, "invalid"],
      [
        "another answer's id in the body",
        await fetch(`${base}/api/answers/${"a".repeat(24)}/events`, {
          method: "POST",
          body: JSON.stringify(event),
          headers: {
            "content-type": "application/json",
            ...webhookHeaders(String(env.COMMUNITY_WEBHOOK_SECRET), JSON.stringify(event), `${ids.answerId}:1:1`),
          },
        }),
        400,
        "invalid",
      ],
      [
        "a path that is no answer id",
        await fetch(`${base}/api/answers/NOPE!/events`, { method: "POST" }),
        404,
        "not_found",
      ],
    ];
    for (const [name, response, status, code] of refusals) {
      expect(response.status, name).toBe(status);
      const body = await response.json();
      expect(body.error.code, name).toBe(code);
      expect(body.error.message.length, name).toBeGreaterThan(10);
    }
    expect(await storedEvents(ids.answerId)).toEqual([]);

    // The real thing, once: a replay (the same delivery, or its signature under another id) changes nothing.
    const body = JSON.stringify(event);
    const headers = {
      "content-type": "application/json",
      ...webhookHeaders(String(env.COMMUNITY_WEBHOOK_SECRET), body, `${ids.answerId}:1:1`),
    };
    const send = (h: Record<string, string>) =>
      fetch(`${base}/api/answers/${ids.answerId}/events`, { method: "POST", body, headers: h });
    expect((await send(headers)).status).toBe(200);
    const replayed = await send(headers);
    expect(replayed.status).toBe(409);
    expect((await replayed.json()).error.code).toBe("replayed");
    // Its signature under another delivery id: that id is not this event's, so it is refused before anything else.
    expect((await send({ ...headers, "x-inkstone-delivery": `${ids.answerId}:9:9` })).status).toBe(400);
    expect(await storedEvents(ids.answerId)).toHaveLength(1);
  });

  it("reaches the member on one replica when the worker pushes to another", async () => {
    const ids = await unqueued("Are okapis related to giraffes?");
    const other = await startAnotherReplica(env);
    const listening = await stream(eve, ids);
    const pushedAt = Date.now();
    const pushed = await push(
      { answerId: ids.answerId, attempt: 1, seq: 1, type: "text", text: "Yes, they are." },
      { at: String(other.COMMUNITY_URL) },
    );
    expect(pushed.status).toBe(200);
    expect(await listening.events?.next()).toEqual({ event: "text", id: "1.1", data: { text: "Yes, they are." } });
    expect(Date.now() - pushedAt).toBeLessThan(5000);
    await listening.events?.close();
  });

  it("says an answer is stopped when its conversation is deleted while it is followed", async () => {
    const ids = await unqueued("Do okapis swim?");
    const listening = await stream(eve, ids);
    const deleted = await eve.visitor.post(`/api/ask/${ids.conversationId}/delete`, { next: "/en/ask" }, json);
    expect(deleted.status, deleted.text).toBe(200);
    const end = await listening.events?.next(15_000);
    expect(end).toMatchObject({ event: "end", data: { status: "stopped" } });
  });
});

describe("answers in the queue", () => {
  let runner: Member;
  let bob: Member;
  let carol: Member;
  let run: string;
  let asked: { conversationId: string; answerId: string };

  beforeAll(async () => {
    [runner, bob, carol] = [await join("runner-q"), await join("bob-q"), await join("carol-q")];
    const started = await runner.visitor.post(
      "/api/generation",
      { topic: "Tide tables and the coast", urls: `${web.url}/slow`, targetLength: "1200", next: "/en/write" },
      json,
    );
    expect(started.status, started.text).toBe(200);
    run = JSON.parse(started.text).data.runId;
    // The run holds the one slot, reading a source that takes almost two minutes.
    await until(async () =>
      (await runner.visitor.get(`/en/runs/${encodeURIComponent(run)}`)).text.includes('data-status="active"'),
    );
    asked = await ask(bob, "Which plants do okapis browse?");
  });
  afterAll(async () => {
    if (run) await runner.visitor.post(`/api/runs/${encodeURIComponent(run)}/cancel`, { next: "/en/queue" }, json);
  });

  it("shows its place without JavaScript (the page reloads itself) and over the stream", async () => {
    const page = await bob.visitor.get(`/en/ask/${asked.conversationId}`);
    expect(page.text).toMatch(
      /<head>[\s\S]*<noscript><meta http-equiv="refresh" content="3"><\/noscript>[\s\S]*<\/head>/,
    );
    expect(page.text).toMatch(/data-answer-status[^>]*>Queued · #1<\/p>/);
    expect(page.text).toMatch(/aria-live="polite"/);
    expect(page.text).toContain(`action="/api/answers/${asked.answerId}/cancel"`);
    const zh = await bob.visitor.get(`/zh-CN/ask/${asked.conversationId}`);
    expect(zh.text).toContain("排队中 · 第 1 位");
    served.set("en-conversation-queued", page.text);
    served.set("zh-conversation-queued", zh.text);

    const { events } = await stream(bob, asked);
    expect(await events?.next()).toEqual({ event: "queued", data: { position: 1 } });
    await events?.close();
  });

  it("lists the answer on /queue: its conversation's title to its owner, only that a slot is awaited to others", async () => {
    const own = await bob.visitor.get("/en/queue");
    expect(own.text).toContain(`href="/en/ask/${asked.conversationId}#answer-${asked.answerId}"`);
    expect(own.text).toContain("Answer: Which plants do okapis browse?");
    served.set("en-queue-own", own.text);
    for (const v of [carol.visitor, visitor()]) {
      const other = await v.get("/en/queue");
      expect(other.text).toContain("An answer (private)");
      expect(other.text).not.toContain("okapis browse");
      expect(other.text).not.toContain(asked.conversationId);
      expect(other.text).toContain("Tide tables and the coast");
    }
    expect((await carol.visitor.get("/zh-CN/queue")).text).toContain("一个回答（私密）");
  });

  it("refuses a follow-up while an answer is pending, and a question past the member's quota, keeping what was typed", async () => {
    const busy = await bob.visitor.post(
      `/api/ask/${asked.conversationId}`,
      { question: "And in zoos?", next: `/en/ask/${asked.conversationId}` },
      json,
    );
    expect(busy.status).toBe(409);
    expect(JSON.parse(busy.text).error.message).toContain("still being written");

    await ask(bob, "Second question within the quota?");
    const before = await conversationsOf(bob);
    const messages = await messageCount();
    const over = await bob.visitor.post(
      "/api/ask",
      { question: "A third at once?", locale: "en", next: "/en/ask" },
      json,
    );
    expect(over.status).toBe(429);
    expect(over.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(JSON.parse(over.text).error.code).toBe("quota_exceeded");
    // Taken back from the CMS: no question is left waiting for an answer that will not come.
    expect(await conversationsOf(bob)).toEqual(before);
    expect(await messageCount()).toBe(messages);
    const browser = await bob.visitor.submit("/api/ask", {
      question: "A third at once?",
      locale: "en",
      next: "/en/ask",
    });
    expect(browser.text).toContain("You already have 2 answers queued");
    expect(browser.text).toMatch(/<textarea[^>]*name="question"[^>]*>A third at once\?<\/textarea>/);
    served.set("en-ask-refused", browser.text);
    served.set("en-ask-list", (await bob.visitor.get("/en/ask")).text);
  });

  it("stops a queued answer for its member only: it never takes a slot, and is saved stopped", async () => {
    const others = await carol.visitor.post(`/api/answers/${asked.answerId}/cancel`, { next: "/en/ask" }, json);
    expect(others.status).toBe(404);
    const listening = await stream(bob, asked);
    const cancelled = await bob.visitor.post(
      `/api/answers/${asked.answerId}/cancel`,
      { next: `/en/ask/${asked.conversationId}` },
      json,
    );
    expect(cancelled.status, cancelled.text).toBe(200);
    const events = (await listening.events?.rest()) ?? [];
    expect(events.at(-1)).toMatchObject({ event: "end", data: { status: "stopped" } });
    expect(await answerStatus(bob, asked.conversationId, asked.answerId)).toBe("stopped");
    const page = await bob.visitor.get(`/en/ask/${asked.conversationId}`);
    expect(page.text).toContain("Stopped: the answer was cancelled");
    expect(page.text).not.toContain('http-equiv="refresh"');
    // The run still holds the slot: the answer never took it.
    expect((await runner.visitor.get(`/en/runs/${encodeURIComponent(run)}`)).text).toContain('data-status="active"');
    // Bob's other answer goes too, with its conversation (its answer cancelled first).
    for (const id of await conversationsOf(bob))
      expect((await bob.visitor.post(`/api/ask/${id}/delete`, { next: "/en/ask" }, json)).status).toBe(200);
    expect(await conversationsOf(bob)).toEqual([]);
  });
});

describe("who may do what", () => {
  type Actor = "anonymous" | "member" | "other member" | "blocked member";
  const ACTORS: Actor[] = ["anonymous", "member", "other member", "blocked member"];
  let owner: Member;
  let other: Member;
  let blocked: Member;
  let blockedCookie: Visitor;
  let ids: { conversationId: string; answerId: string };
  const as = (actor: Actor): Visitor =>
    actor === "anonymous"
      ? visitor()
      : actor === "member"
        ? owner.visitor
        : actor === "other member"
          ? other.visitor
          : blockedCookie.copy({ "x-forwarded-for": nextTestAddress() });

  beforeAll(async () => {
    [owner, other, blocked] = [await join("owner-m"), await join("other-m"), await join("blocked-m")];
    ids = await ask(owner, "Who studies okapis?");
    await until(async () => (await answerStatus(owner, ids.conversationId, ids.answerId)) === "done", 60_000);
    await ask(blocked, "Mallory's question?");
    blockedCookie = blocked.visitor.copy();
    const reply = await api.setBlocked(blocked.userId, true);
    expect(reply.status).toBe(200);
  });

  const signInPage = (path: string) => (reply: Reply) => {
    expect(reply.status).toBe(303);
    expect(reply.location).toBe(`/en/signin?next=${encodeURIComponent(path)}`);
  };

  it.each(ACTORS)("pages, as %s", async (actor) => {
    const v = as(actor);
    const list = await v.get("/en/ask");
    const page = await v.get(`/en/ask/${ids.conversationId}`);
    if (actor === "anonymous" || actor === "blocked member") {
      signInPage("/en/ask")(list);
      signInPage(`/en/ask/${ids.conversationId}`)(page);
      return;
    }
    expect(list.status).toBe(200);
    expect(list.text.includes(ids.conversationId)).toBe(actor === "member");
    expect(page.status).toBe(actor === "member" ? 200 : 404);
    expect(page.headers.get("cache-control")).toBe("private, no-store");
    expect(page.text.includes("Who studies okapis?")).toBe(actor === "member");
  });

  it.each(ACTORS)("the stream and every action, as %s", async (actor) => {
    const v = as(actor);
    const title = async () =>
      (await rows(cmsDb, "SELECT title FROM conversations WHERE document_id = $1", [ids.conversationId]))[0]?.title;
    const before = { title: await title(), messages: await messageCount() };
    const expected = actor === "member" ? 200 : actor === "other member" ? 404 : 401;
    const { response, events } = await stream(v, ids);
    expect(response.status).toBe(expected);
    if (events) await events.close();
    else expect((await response.json()).error.message).toBeTruthy();
    const actions: [string, Record<string, string>][] = [
      [`/api/ask/${ids.conversationId}/rename`, { title: `Renamed by ${actor}` }],
      [`/api/answers/${ids.answerId}/cancel`, {}],
      [`/api/ask/${ids.conversationId}`, { question: `A follow-up by ${actor}?` }],
    ];
    for (const [path, fields] of actions) {
      const reply = await v.post(path, { ...fields, next: `/en/ask/${ids.conversationId}` }, json);
      expect(reply.status, `${path} ${reply.text}`).toBe(expected);
      if (actor !== "member") expect(JSON.parse(reply.text).error.message, path).toBeTruthy();
    }
    if (actor === "member") {
      expect(await title()).toBe("Renamed by member");
      return;
    }
    const deleted = await v.post(`/api/ask/${ids.conversationId}/delete`, { next: "/en/ask" }, json);
    expect(deleted.status).toBe(expected);
    expect({ title: await title(), messages: await messageCount() }).toEqual(before);
    if (actor === "blocked member") expect(v.cookie("inkstone_session")).toBeUndefined();
  });
});

describe("bad input", () => {
  let dan: Member;
  beforeAll(async () => {
    dan = await join("dan-typos");
  });

  it("is refused with 4xx and a message a person can act on, writing nothing", async () => {
    const before = { conversations: await conversationsOf(dan), messages: await messageCount() };
    const cases: [string, Record<string, string>, number, string][] = [
      ["empty", { question: "  \n " }, 400, "Type a question."],
      ["2,001 characters", { question: "a".repeat(2001) }, 400, "At most 2,000 characters; this question has 2,001."],
      ["a null byte", { question: "What\u0000 now?" }, 400, "control character"],
      ["an escape character", { question: "What \u001b[31m now?" }, 400, "control character"],
    ];
    for (const [name, fields, status, message] of cases) {
      const reply = await dan.visitor.post("/api/ask", { ...fields, locale: "en", next: "/en/ask" }, json);
      expect(reply.status, name).toBe(status);
      expect(reply.text, name).toContain(message);
    }
    // Exactly 2,000 is fine; the form shows the field's message and what was typed in the browser.
    const page = await dan.visitor.submit("/api/ask", { question: "a".repeat(2001), locale: "en", next: "/en/ask" });
    expect(page.text).toContain('aria-invalid="true"');
    expect(page.text).toContain("this question has 2,001");
    const zh = await dan.visitor.post("/api/ask", { question: "", next: "/zh-CN/ask" }, json);
    expect(zh.text).toContain("请输入问题。");

    const odd: [string, () => Promise<Reply | Response>, number][] = [
      ["a page id that is no id", () => dan.visitor.get("/en/ask/NOT-AN-ID"), 404],
      ["an unknown conversation", () => dan.visitor.get(`/en/ask/${"z".repeat(24)}`), 404],
      [
        "a stream without its conversation",
        () =>
          fetch(`${base}/api/answers/${"z".repeat(24)}/stream`, {
            headers: { cookie: `inkstone_session=${dan.visitor.cookie("inkstone_session")}` },
          }),
        400,
      ],
      [
        "a stream of a bad answer id",
        () => dan.visitor.request(`/api/answers/bad!/stream?conversation=${"z".repeat(24)}`, { headers: json }),
        404,
      ],
      [
        "a stream with a bad Last-Event-ID",
        () =>
          dan.visitor.request(`/api/answers/${"z".repeat(24)}/stream?conversation=${"z".repeat(24)}`, {
            headers: { ...json, "last-event-id": "abc" },
          }),
        400,
      ],
      [
        "a rename to nothing",
        () => dan.visitor.post(`/api/ask/${"z".repeat(24)}/rename`, { title: " ", next: "/en/ask" }, json),
        400,
      ],
      [
        "a rename of 121 characters",
        () => dan.visitor.post(`/api/ask/${"z".repeat(24)}/rename`, { title: "t".repeat(121), next: "/en/ask" }, json),
        400,
      ],
      ["a cancel of a bad id", () => dan.visitor.post("/api/answers/x/cancel", { next: "/en/ask" }, json), 404],
      ["a delete of a bad id", () => dan.visitor.post("/api/ask/x/delete", { next: "/en/ask" }, json), 404],
    ];
    for (const [name, send, status] of odd) {
      const reply = await send();
      expect(reply.status, name).toBe(status);
    }
    expect({ conversations: await conversationsOf(dan), messages: await messageCount() }).toEqual(before);
  });

  it("answers 401 to scripts and sends browsers to sign in when signed out", async () => {
    const anonymous = visitor();
    for (const path of ["/api/ask", `/api/ask/${"z".repeat(24)}`, `/api/answers/${"z".repeat(24)}/cancel`]) {
      const reply = await anonymous.post(path, { question: "Hello?", next: "/en/ask" }, json);
      expect(reply.status, path).toBe(401);
      const browser = await anonymous.post(path, { question: "Hello?", next: "/en/ask" });
      expect(browser.location, path).toBe("/en/signin?next=%2Fen%2Fask");
    }
  });
});

/**
 * A TCP relay to Temporal that can be cut: the replica behind it starts healthy (its health check reaches Temporal),
 * then loses Temporal for good while everything else stays up.
 */
async function temporalRelay(target: string): Promise<{ address: string; cut(): Promise<void> }> {
  const [host = "127.0.0.1", port = "7233"] = target.split(":");
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(port), host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

describe("when Temporal is down", () => {
  it("answers 503 with Retry-After, keeps what was typed, and leaves nothing in the CMS", async () => {
    const fay = await join("fay-outage");
    const relay = await temporalRelay(String(env.TEMPORAL_ADDRESS));
    const replica = await startAnotherReplica({ ...env, TEMPORAL_ADDRESS: relay.address });
    await relay.cut();
    const there = fay.visitor.at(String(replica.COMMUNITY_URL));
    const before = { conversations: await conversationsOf(fay), messages: await messageCount() };
    const script = await there.post("/api/ask", { question: "Is the queue up?", locale: "en", next: "/en/ask" }, json);
    expect(script.status).toBe(503);
    expect(script.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(JSON.parse(script.text).error.code).toBe("ask_unavailable");
    const browser = await there.submit("/api/ask", { question: "Is the queue up?", locale: "en", next: "/en/ask" });
    expect(browser.text).toContain("Answers cannot be started right now");
    expect(browser.text).toMatch(/<textarea[^>]*name="question"[^>]*>Is the queue up\?<\/textarea>/);
    expect({ conversations: await conversationsOf(fay), messages: await messageCount() }).toEqual(before);
  }, 180_000);
});

describe.skipIf(!chromium)("in a browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium(String(chromium));
  });
  afterAll(() => browser?.close());

  it("follows the answer as it is written, in place, and shows it finished, with no error", async () => {
    const gus = await join("gus-browser");
    const ids = await unqueuedAnswer(gus, "Do okapis have stripes?");
    const context = await browser.newContext({ locale: "en-US" });
    await context.addCookies([
      { name: "inkstone_session", value: String(gus.visitor.cookie("inkstone_session")), url: base },
    ]);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    await page.goto(`${base}/en/ask/${ids.conversationId}`);
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    const answer = page.locator(`#answer-${ids.answerId}`);
    await expect.poll(() => answer.locator("[data-answer-status]").textContent()).toBe("Queued");

    for (const [seq, text] of [
      [1, "Okapis have "],
      [2, "striped legs."],
    ] as const)
      expect((await push({ answerId: ids.answerId, attempt: 1, seq, type: "text", text })).status).toBe(200);
    await expect.poll(() => answer.locator("[data-answer-text]").textContent()).toBe("Okapis have striped legs.");
    expect(await answer.locator("[data-answer-status]").textContent()).toBe("Writing the answer…");
    // With JavaScript the page does not reload itself (the refresh is for browsers without it).
    await page.waitForTimeout(4000);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);

    const citations = [{ n: 1, documentId: okapis.documentId, locale: "en", slug: okapis.slug, title: okapis.title }];
    const end = { type: "end", status: "done", text: "Okapis have **striped** legs [1].", citations, mode: "model" };
    expect((await push({ answerId: ids.answerId, attempt: 1, seq: 3, ...end })).status).toBe(200);
    await expect.poll(() => answer.getAttribute("data-status")).toBe("done");
    expect(await answer.locator("strong").textContent()).toBe("striped");
    expect(await answer.locator("sup.cite a").getAttribute("href")).toBe(`/en/a/${okapis.slug}`);
    expect(await answer.locator(".answer-body").getAttribute("aria-busy")).toBeNull();
    expect(await answer.locator("[data-answer-status], [data-answer-cancel]").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe.skipIf(!hasJava())("the pages' HTML", () => {
  it("is valid, in both languages, pending and done", async () => {
    expect([...served.keys()].length).toBeGreaterThanOrEqual(6);
    expect(await invalidPages(served)).toEqual({});
  });
});

describe("the events kept in the store", () => {
  let opened: Awaited<ReturnType<typeof testStore>>;
  beforeAll(async () => {
    opened = await testStore();
  });
  afterAll(() => opened?.close());

  it("keeps an answer's latest attempt only, and forgets answers ten minutes after they ended", async () => {
    const time = clock();
    const events = new AnswerEvents({ store: () => opened.store, now: time.now });
    const text = (answerId: string, attempt: number, seq: number) =>
      ({ answerId, attempt, seq, type: "text", text: `${attempt}.${seq}` }) as const;
    const end = (answerId: string, attempt: number, seq: number): AnswerEvent => ({
      answerId,
      attempt,
      seq,
      type: "end",
      status: "done",
      text: "",
      citations: [],
      mode: "model",
    });
    const [a, b] = ["a".repeat(24), "b".repeat(24)];
    expect(await events.add(text(a, 1, 1))).toBe("stored");
    expect(await events.add(text(a, 1, 1))).toBe("duplicate");
    expect(await events.add(text(a, 1, 2))).toBe("stored");
    expect(await events.add(text(a, 2, 1))).toBe("stored");
    expect(await events.add(text(a, 1, 3))).toBe("superseded");
    expect((await events.after(a, { attempt: 0, seq: 0 }))?.events.map((e) => `${e.attempt}.${e.seq}`)).toEqual([
      "2.1",
    ]);
    expect(await events.add(end(a, 2, 2))).toBe("stored");
    await events.add(text(b, 1, 1));

    time.advance(9 * 60_000);
    await events.add(end(b, 1, 2));
    expect(await events.after(a, { attempt: 2, seq: 1 })).toMatchObject({ attempt: 2, events: [{ seq: 2 }] });
    time.advance(2 * 60_000);
    expect(await events.prune()).toBe(2);
    expect(await events.after(a, { attempt: 0, seq: 0 })).toBeUndefined();
    expect((await events.after(b, { attempt: 0, seq: 0 }))?.events).toHaveLength(2);
  });
});
