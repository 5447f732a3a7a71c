// Ask Inkstone's conversations in the CMS: a member's own questions and answers (anyone else: 404), the worker's
// saves of an answer as it is written, and the limits — against the real CMS and PostgreSQL.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { type CallInit, type CmsApi, cmsApi } from "./cms-api.ts";

let api: CmsApi;
let env: StackEnv;
let db: pg.Client;
const jwt = { me: "", other: "", blocked: "" };

beforeAll(async () => {
  ({ env } = await startTestApps(["cms"]));
  api = cmsApi(env);
  db = new pg.Client({ connectionString: String(env.DATABASE_URL) });
  await db.connect();
  const [me, other, blocked] = await Promise.all(["ask-me", "ask-other", "ask-blocked"].map((n) => api.signUp(n)));
  if (!me || !other || !blocked) throw new Error("expected three members");
  jwt.me = me.jwt;
  jwt.other = other.jwt;
  jwt.blocked = blocked.jwt;
  expect((await api.setBlocked(blocked.user.documentId, true)).status).toBe(200);
});
afterAll(async () => {
  await db?.end();
});

const as = (token: string): CallInit => ({ token });
const worker = () => as(String(env.CMS_WORKER_TOKEN));
const start = (question: string, locale = "en", token = jwt.me) =>
  api.call("POST", "/api/conversations", { ...as(token), body: { data: { question, locale } } });
/** A new conversation of mine; returns its id and its first answer's. */
const started = async (question = "How do citations keep drafts honest?", token = jwt.me) => {
  const reply = await start(question, "en", token);
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return {
    id: reply.body.data.conversation.documentId as string,
    question: reply.body.data.question.documentId as string,
    answer: reply.body.data.answer.documentId as string,
  };
};
const save = (answerId: string, data: Record<string, unknown>, init: CallInit = worker()) =>
  api.call("PUT", `/api/conversation-answers/${answerId}`, { ...init, body: { data } });
const finish = async (answerId: string, text = "Because every claim points at what was read [1].") => {
  expect((await save(answerId, { status: "streaming" })).status).toBe(200);
  const done = await save(answerId, { status: "done", text, mode: "extractive", citations: [CITATION] });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
};
const followUp = (id: string, question: string, token = jwt.me) =>
  api.call("POST", `/api/conversations/${id}/messages`, { ...as(token), body: { data: { question } } });
const CITATION = {
  n: 1,
  documentId: "abcdefghij0123456789abcd",
  locale: "en",
  slug: "why-sources",
  title: "Why sources",
};

/** What a refused call could have written. */
const fingerprint = async () =>
  (
    await db.query(`SELECT
      (SELECT md5(coalesce(string_agg(id || ':' || title || ':' || language || ':' || last_activity_at, ',' ORDER BY id), '')) FROM conversations) AS conversations,
      (SELECT md5(coalesce(string_agg(id || ':' || status || ':' || coalesce(text, '') || ':' || coalesce(error, ''), ',' ORDER BY id), '')) FROM conversation_messages) AS messages`)
  ).rows[0];
const rowsOf = async (conversationId: string) =>
  (
    await db.query(
      `SELECT
        (SELECT count(*)::int FROM conversations WHERE document_id = $1) AS conversations,
        (SELECT count(*)::int FROM conversation_messages m
           JOIN conversation_messages_conversation_lnk l ON l.conversation_message_id = m.id
           JOIN conversations c ON c.id = l.conversation_id WHERE c.document_id = $1) AS messages`,
      [conversationId],
    )
  ).rows[0] as { conversations: number; messages: number };

const MESSAGE = {
  documentId: expect.stringMatching(/^[a-z0-9]{10,40}$/),
  createdAt: expect.any(String),
  updatedAt: expect.any(String),
};

describe("a member's conversation", () => {
  it("is created with its question and a queued answer, listed, read, renamed and deleted", async () => {
    const created = await start("  How do citations keep AI drafts honest?\r\nAnd who checks them?  ");
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { conversation, question, answer } = created.body.data;
    expect(conversation).toEqual({
      documentId: expect.stringMatching(/^[a-z0-9]{10,40}$/),
      title: "How do citations keep AI drafts honest? And who checks them?",
      locale: "en",
      lastActivityAt: expect.any(String),
      createdAt: expect.any(String),
    });
    // Trimmed, with the browser's line break made plain.
    expect(question).toEqual({
      ...MESSAGE,
      role: "question",
      text: "How do citations keep AI drafts honest?\nAnd who checks them?",
      status: "done",
      mode: null,
      model: null,
      citations: [],
      error: null,
    });
    expect(answer).toEqual({
      ...MESSAGE,
      role: "answer",
      text: "",
      status: "queued",
      mode: null,
      model: null,
      citations: [],
      error: null,
    });

    const listed = await api.call("GET", "/api/conversations", as(jwt.me));
    expect(listed.status).toBe(200);
    expect(listed.body.data[0]).toEqual(conversation);

    const read = await api.call("GET", `/api/conversations/${conversation.documentId}`, as(jwt.me));
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual({ ...conversation, messages: [question, answer] });

    const renamed = await api.call("PUT", `/api/conversations/${conversation.documentId}`, {
      ...as(jwt.me),
      body: { data: { title: "  Citations  " } },
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body.data).toEqual({ ...conversation, title: "Citations" });

    const deleted = await api.call("DELETE", `/api/conversations/${conversation.documentId}`, as(jwt.me));
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toEqual({ documentId: conversation.documentId, pendingAnswers: [answer.documentId] });
    expect(await rowsOf(conversation.documentId)).toEqual({ conversations: 0, messages: 0 });
    // Nothing is left behind: no message, and no link to a conversation that is gone.
    const orphans = await db.query(
      `SELECT (SELECT count(*)::int FROM conversation_messages WHERE document_id = ANY($1)) AS messages,
              (SELECT count(*)::int FROM conversation_messages_conversation_lnk l
                 LEFT JOIN conversations c ON c.id = l.conversation_id WHERE c.id IS NULL) AS links`,
      [[question.documentId, answer.documentId]],
    );
    expect(orphans.rows[0]).toEqual({ messages: 0, links: 0 });
    expect((await api.call("GET", `/api/conversations/${conversation.documentId}`, as(jwt.me))).status).toBe(404);
  });

  it("titles a long question with its first 80 characters, cut where a word ends", async () => {
    const english = `${"Why do sources matter when a machine writes an article for a community of readers".repeat(2)}?`;
    const title = (await start(english)).body.data.conversation.title as string;
    expect(title).toBe("Why do sources matter when a machine writes an article for a community of…");
    expect(title.length).toBeLessThanOrEqual(81);

    const chinese = "为什么人工智能写作需要引用来源".repeat(8);
    const zh = (await start(chinese, "zh-CN")).body.data.conversation;
    expect(zh.locale).toBe("zh-CN");
    expect(zh.title.endsWith("…")).toBe(true);
    expect(zh.title.length).toBeLessThanOrEqual(81);
    expect(chinese.startsWith(zh.title.slice(0, -1))).toBe(true);

    // A word longer than the title is cut between characters, and never inside one.
    expect((await start("a".repeat(100))).body.data.conversation.title).toBe(`${"a".repeat(80)}…`);
    expect((await start("😀".repeat(100))).body.data.conversation.title).toBe(`${"😀".repeat(40)}…`);
  });

  it("takes a follow-up only once the answer before it is finished, and keeps the turns in order", async () => {
    const { id, question, answer } = await started();
    const early = await followUp(id, "And the sources?");
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({
      name: "ConflictError",
      message: "An answer in this conversation is still being written.",
    });
    expect(await rowsOf(id)).toEqual({ conversations: 1, messages: 2 });

    await finish(answer);
    const asked = await followUp(id, "And the sources?");
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(asked.body.data).toEqual({
      question: expect.objectContaining({ role: "question", text: "And the sources?", status: "done" }),
      answer: expect.objectContaining({ role: "answer", text: "", status: "queued" }),
    });
    const read = await api.call("GET", `/api/conversations/${id}`, as(jwt.me));
    expect(read.body.data.messages.map((m: { documentId: string }) => m.documentId)).toEqual([
      question,
      answer,
      asked.body.data.question.documentId,
      asked.body.data.answer.documentId,
    ]);
    expect(read.body.data.messages[1]).toMatchObject({ status: "done", mode: "extractive", citations: [CITATION] });
  });

  it("lets only one of two follow-ups sent at once through", async () => {
    const { id, answer } = await started();
    await finish(answer);
    const replies = await Promise.all([followUp(id, "First?"), followUp(id, "Second?")]);
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await rowsOf(id)).toEqual({ conversations: 1, messages: 4 });
  });

  it("rolls back a question whose answer could not be queued, and the conversation when nothing is left", async () => {
    const first = await started();
    const gone = await api.call("DELETE", `/api/conversations/${first.id}/answers/${first.answer}`, as(jwt.me));
    expect(gone.status, JSON.stringify(gone.body)).toBe(200);
    expect(gone.body.data).toEqual({ conversationDeleted: true });
    expect(await rowsOf(first.id)).toEqual({ conversations: 0, messages: 0 });

    const second = await started();
    await finish(second.answer);
    const asked = await followUp(second.id, "A follow-up that fails to queue");
    const answerId = asked.body.data.answer.documentId;
    const back = await api.call("DELETE", `/api/conversations/${second.id}/answers/${answerId}`, as(jwt.me));
    expect(back.body.data).toEqual({ conversationDeleted: false });
    const read = await api.call("GET", `/api/conversations/${second.id}`, as(jwt.me));
    expect(read.body.data.messages.map((m: { documentId: string }) => m.documentId)).toEqual([
      second.question,
      second.answer,
    ]);

    // Only a queued answer is taken back; a question is no answer; an answer elsewhere is not in this conversation.
    const third = await started();
    expect((await save(third.answer, { status: "streaming" })).status).toBe(200);
    const before = await fingerprint();
    const streaming = await api.call("DELETE", `/api/conversations/${third.id}/answers/${third.answer}`, as(jwt.me));
    expect(streaming.status).toBe(409);
    expect(streaming.body.error.name).toBe("ConflictError");
    expect(
      (await api.call("DELETE", `/api/conversations/${third.id}/answers/${third.question}`, as(jwt.me))).status,
    ).toBe(404);
    expect(
      (await api.call("DELETE", `/api/conversations/${third.id}/answers/${second.answer}`, as(jwt.me))).status,
    ).toBe(404);
    expect(await fingerprint()).toEqual(before);
  });

  it("holds at most 100 questions", async () => {
    const { id, answer } = await started();
    let last = answer;
    for (let i = 1; i < 100; i++) {
      await finish(last);
      const asked = await followUp(id, `Question ${i + 1}?`);
      expect(asked.status, JSON.stringify(asked.body)).toBe(201);
      last = asked.body.data.answer.documentId;
    }
    await finish(last);
    const full = await followUp(id, "One more?");
    expect(full.status).toBe(409);
    expect(full.body.error.message).toMatch(/100 questions.*Start a new conversation/);
    expect(await rowsOf(id)).toEqual({ conversations: 1, messages: 200 });
    expect((await api.call("GET", `/api/conversations/${id}`, as(jwt.me))).body.data.messages).toHaveLength(200);
  });

  it("names the answers still pending when it is deleted", async () => {
    const { id, answer } = await started();
    await finish(answer);
    const asked = await followUp(id, "Still being written?");
    expect((await save(asked.body.data.answer.documentId, { status: "streaming", text: "Part" })).status).toBe(200);
    const deleted = await api.call("DELETE", `/api/conversations/${id}`, as(jwt.me));
    expect(deleted.body.data.pendingAnswers).toEqual([asked.body.data.answer.documentId]);
    // The worker's next save finds nothing: the answer went with its conversation.
    expect((await save(asked.body.data.answer.documentId, { status: "done", text: "Partly" })).status).toBe(404);
  });
});

describe("pages of conversations", () => {
  it("lists the most recently active first, 20 to a page unless asked otherwise", async () => {
    const { jwt: token } = await api.signUp("ask-pages");
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) ids.push((await started(`Question number ${i}`, token)).id);
    const first = await api.call("GET", "/api/conversations", as(token));
    expect(first.body.meta).toEqual({ pagination: { page: 1, pageSize: 20, total: 23, pageCount: 2 } });
    expect(first.body.data.map((c: { documentId: string }) => c.documentId)).toEqual(ids.toReversed().slice(0, 20));
    const second = await api.call("GET", "/api/conversations?page=2&pageSize=20", as(token));
    expect(second.body.data.map((c: { documentId: string }) => c.documentId)).toEqual(ids.toReversed().slice(20));
    const small = await api.call("GET", "/api/conversations?page=3&pageSize=10", as(token));
    expect(small.body.meta.pagination).toEqual({ page: 3, pageSize: 10, total: 23, pageCount: 3 });
    expect(small.body.data).toHaveLength(3);
    expect((await api.call("GET", "/api/conversations?page=9", as(token))).body.data).toEqual([]);

    // An answer being written makes its conversation the most recent.
    const oldest = await api.call("GET", `/api/conversations/${ids[0]}`, as(token));
    await save(oldest.body.data.messages[1].documentId, { status: "streaming" });
    const now = await api.call("GET", "/api/conversations?pageSize=1", as(token));
    expect(now.body.data[0].documentId).toBe(ids[0]);
    expect(Date.parse(now.body.data[0].lastActivityAt)).toBeGreaterThan(Date.parse(oldest.body.data.lastActivityAt));

    for (const bad of ["pageSize=51", "pageSize=0", "page=0", "page=abc", "page[]=1", "sort=title", "page=1&page=2"]) {
      const reply = await api.call("GET", `/api/conversations?${bad}`, as(token));
      expect(reply.status, `${bad}: ${JSON.stringify(reply.body)}`).toBe(400);
    }
  });

  it("keeps at most 500 per member, even when the last few are asked for at once", async () => {
    const { jwt: token } = await api.signUp("ask-many");
    for (let i = 0; i < 495; i += 5) await Promise.all([0, 1, 2, 3, 4].map((j) => started(`Question ${i + j}`, token)));
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => start(`Last ${i}`, "en", token)));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(5);
    const refused = replies.filter((r) => r.status === 409);
    expect(refused).toHaveLength(5);
    expect(refused[0]?.body.error.message).toMatch(/500 conversations.*Delete old ones/);
    const listed = await api.call("GET", "/api/conversations?pageSize=1", as(token));
    expect(listed.body.meta.pagination.total).toBe(500);
    // Deleting one makes room for one.
    expect((await api.call("DELETE", `/api/conversations/${listed.body.data[0].documentId}`, as(token))).status).toBe(
      200,
    );
    expect((await start("Room again", "en", token)).status).toBe(201);
  }, 300_000);
});

describe("someone else's conversation", () => {
  it("is 404 on every route, as one that does not exist, and nothing changes", async () => {
    const mine = await started();
    const before = await fingerprint();
    const routes: [string, string, unknown?][] = [
      ["GET", `/api/conversations/${mine.id}`],
      ["PUT", `/api/conversations/${mine.id}`, { data: { title: "Taken" } }],
      ["DELETE", `/api/conversations/${mine.id}`],
      ["POST", `/api/conversations/${mine.id}/messages`, { data: { question: "Mine now?" } }],
      ["DELETE", `/api/conversations/${mine.id}/answers/${mine.answer}`],
    ];
    for (const [method, path, body] of routes) {
      const theirs = await api.call(method, path, { ...as(jwt.other), body });
      const nobodys = await api.call(method, path.replace(mine.id, "abcdefghij0123456789abcd"), {
        ...as(jwt.other),
        body,
      });
      expect(theirs.status, `${method} ${path}`).toBe(404);
      expect(theirs.body.error).toEqual(nobodys.body.error);
    }
    const listed = await api.call("GET", "/api/conversations", as(jwt.other));
    expect(listed.body.data.map((c: { documentId: string }) => c.documentId)).not.toContain(mine.id);
    expect(await fingerprint()).toEqual(before);
  });

  it("is refused to callers who are not a member: anonymous, blocked, an editor, the community and the worker", async () => {
    const mine = await started();
    const callers: [string, CallInit, number][] = [
      ["anonymous", {}, 403],
      ["the community's credential alone", { community: true }, 403],
      ["a blocked member", as(jwt.blocked), 401],
      ["an editor's admin token", as(await api.editorToken()), 401],
      ["the community's API token", as(String(env.CMS_COMMUNITY_TOKEN)), 403],
      ["the worker's API token", worker(), 403],
    ];
    const before = await fingerprint();
    for (const [name, init, status] of callers)
      for (const [method, path, body] of [
        ["GET", "/api/conversations"],
        ["POST", "/api/conversations", { data: { question: "Who am I?", locale: "en" } }],
        ["GET", `/api/conversations/${mine.id}`],
        ["DELETE", `/api/conversations/${mine.id}`],
      ] as [string, string, unknown?][]) {
        const reply = await api.call(method, path, { ...init, body });
        expect(reply.status, `${method} ${path} as ${name}`).toBe(status);
      }
    expect(await fingerprint()).toEqual(before);
  });
});

describe("the worker's saves of an answer", () => {
  it("moves it queued → streaming → done, takes the same final save again, refuses anything else", async () => {
    const { id, question, answer } = await started();
    const read = await api.call("GET", `/api/conversation-answers/${answer}`, worker());
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({
      documentId: answer,
      role: "answer",
      status: "queued",
      conversation: { documentId: id },
    });

    expect((await save(answer, { status: "done", text: "Too soon" })).status).toBe(409);
    const streaming = await save(answer, { status: "streaming", mode: "model", model: "gpt-test" });
    expect(streaming.body.data).toMatchObject({ status: "streaming", mode: "model", model: "gpt-test", text: "" });
    // A retried attempt starts streaming again.
    expect((await save(answer, { status: "streaming", text: "Because" })).body.data.text).toBe("Because");
    const final = { status: "done", text: "Because it cites [1].", citations: [CITATION] };
    const done = await save(answer, final);
    expect(done.status).toBe(200);
    expect(done.body.data).toEqual({
      ...MESSAGE,
      documentId: answer,
      role: "answer",
      text: "Because it cites [1].",
      status: "done",
      mode: "model",
      model: "gpt-test",
      citations: [CITATION],
      error: null,
    });

    const before = await fingerprint();
    const again = await save(answer, final);
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual(done.body.data);
    expect((await save(answer, { status: "done" })).status).toBe(200);
    for (const changed of [
      { status: "done", text: "Something else" },
      { status: "failed", error: "Too late" },
      { status: "stopped" },
      { status: "streaming" },
    ]) {
      const reply = await save(answer, changed);
      expect(reply.status, JSON.stringify(changed)).toBe(409);
      expect(reply.body.error.name).toBe("ConflictError");
    }
    expect(await fingerprint()).toEqual(before);

    // A question is no answer, and an id nobody has is none either.
    expect((await save(question, { status: "streaming" })).status).toBe(404);
    expect((await api.call("GET", `/api/conversation-answers/${question}`, worker())).status).toBe(404);
    expect((await save("abcdefghij0123456789abcd", { status: "streaming" })).status).toBe(404);
  });

  it("stops or fails a queued answer, keeping the partial text and saying why it failed", async () => {
    const stopped = await started();
    expect((await save(stopped.answer, { status: "stopped", text: "" })).body.data.status).toBe("stopped");
    const failing = await started();
    await save(failing.answer, { status: "streaming", text: "Half an" });
    const failed = await save(failing.answer, { status: "failed", error: "The model refused the request." });
    expect(failed.body.data).toMatchObject({
      status: "failed",
      text: "Half an",
      error: "The model refused the request.",
    });
    // Either way the member may ask again.
    expect((await followUp(failing.id, "Try again?")).status).toBe(201);
  });

  it("is the worker's alone", async () => {
    const { answer } = await started();
    const before = await fingerprint();
    const callers: [string, CallInit, number][] = [
      ["anonymous", {}, 403],
      ["the owner", as(jwt.me), 403],
      ["a blocked member", as(jwt.blocked), 401],
      ["an editor's admin token", as(await api.editorToken()), 401],
      ["the community's API token", as(String(env.CMS_COMMUNITY_TOKEN)), 403],
      ["the community's credential", { community: true }, 403],
    ];
    for (const [name, init, status] of callers) {
      expect((await save(answer, { status: "streaming" }, init)).status, name).toBe(status);
      expect((await api.call("GET", `/api/conversation-answers/${answer}`, init)).status, name).toBe(status);
    }
    expect(await fingerprint()).toEqual(before);
  });
});

describe("bad input", () => {
  it("is refused with 400 naming the field, and nothing is written", async () => {
    const mine = await started();
    const QUESTION_IN_BODY = ["body", "data", "question"];
    const cases: [string, string, string, unknown, string[]][] = [
      // Control characters are refused before any route sees them (global::clean-body), naming where they were.
      ["a null byte", "POST", "/api/conversations", { data: { question: "a\u0000b", locale: "en" } }, QUESTION_IN_BODY],
      [
        "an escape",
        "POST",
        "/api/conversations",
        { data: { question: "\u001b[31mred", locale: "en" } },
        QUESTION_IN_BODY,
      ],
      [
        "a C1 control",
        "POST",
        "/api/conversations",
        { data: { question: "a\u0085b", locale: "en" } },
        QUESTION_IN_BODY,
      ],
      [
        "2001 characters",
        "POST",
        "/api/conversations",
        { data: { question: "a".repeat(2001), locale: "en" } },
        ["question"],
      ],
      ["only spaces", "POST", "/api/conversations", { data: { question: " \n\t ", locale: "en" } }, ["question"]],
      ["a number", "POST", "/api/conversations", { data: { question: 42, locale: "en" } }, ["question"]],
      ["no locale", "POST", "/api/conversations", { data: { question: "Why?" } }, ["locale"]],
      ["another locale", "POST", "/api/conversations", { data: { question: "Why?", locale: "fr" } }, ["locale"]],
      ["an unknown field", "POST", "/api/conversations", { data: { question: "Why?", locale: "en", member: 1 } }, []],
      ["no data", "POST", "/api/conversations", { question: "Why?", locale: "en" }, []],
      ["a list", "POST", "/api/conversations", { data: ["Why?"] }, []],
      [
        "a follow-up of 2001",
        "POST",
        `/api/conversations/${mine.id}/messages`,
        { data: { question: "字".repeat(2001) } },
        ["question"],
      ],
      [
        "a follow-up with a locale",
        "POST",
        `/api/conversations/${mine.id}/messages`,
        { data: { question: "Why?", locale: "en" } },
        [],
      ],
      ["a title with a line break", "PUT", `/api/conversations/${mine.id}`, { data: { title: "a\nb" } }, ["title"]],
      ["a title of 121", "PUT", `/api/conversations/${mine.id}`, { data: { title: "t".repeat(121) } }, ["title"]],
      ["an empty title", "PUT", `/api/conversations/${mine.id}`, { data: { title: "   " } }, ["title"]],
      ["a title that is a list", "PUT", `/api/conversations/${mine.id}`, { data: { title: ["a"] } }, ["title"]],
      ["a bad conversation id", "GET", "/api/conversations/NOT-AN-ID", undefined, ["documentId"]],
      ["a bad id to rename", "PUT", "/api/conversations/x", { data: { title: "A" } }, ["documentId"]],
      ["a bad id to delete", "DELETE", "/api/conversations/abc$", undefined, ["documentId"]],
      ["a bad answer id", "DELETE", `/api/conversations/${mine.id}/answers/no`, undefined, ["answerId"]],
      ["a query on one conversation", "GET", `/api/conversations/${mine.id}?populate=*`, undefined, []],
    ];
    const workerCases: [string, string, unknown, string[]][] = [
      ["a status that is not one", mine.answer, { status: "thinking" }, ["status"]],
      ["queued again", mine.answer, { status: "queued" }, ["status"]],
      ["no status", mine.answer, { text: "Hi" }, ["status"]],
      ["20001 characters", mine.answer, { status: "streaming", text: "a".repeat(20_001) }, ["text"]],
      ["a null byte in the text", mine.answer, { status: "streaming", text: "a\u0000" }, []],
      ["an unknown mode", mine.answer, { status: "streaming", mode: "guess" }, ["mode"]],
      ["an error on a finished answer", mine.answer, { status: "done", error: "Oops" }, ["error"]],
      ["an error of 501", mine.answer, { status: "failed", error: "e".repeat(501) }, ["error"]],
      [
        "a citation without a slug",
        mine.answer,
        { status: "done", citations: [{ ...CITATION, slug: undefined }] },
        ["citations", "0", "slug"],
      ],
      [
        "a citation numbered twice",
        mine.answer,
        { status: "done", citations: [CITATION, { ...CITATION, n: 1 }] },
        ["citations", "1", "n"],
      ],
      [
        "a citation past the list",
        mine.answer,
        { status: "done", citations: [{ ...CITATION, n: 3 }] },
        ["citations", "0", "n"],
      ],
      [
        "a citation with a bad id",
        mine.answer,
        { status: "done", citations: [{ ...CITATION, documentId: "x" }] },
        ["citations", "0", "documentId"],
      ],
      ["citations that are text", mine.answer, { status: "done", citations: "[1]" }, ["citations"]],
      ["an unknown field", mine.answer, { status: "done", conversation: "x" }, []],
      ["a bad answer id", "NOT-AN-ID", { status: "streaming" }, ["answerId"]],
    ];
    const before = await fingerprint();
    for (const [name, method, path, body, where] of cases) {
      const reply = await api.call(method, path, { ...as(jwt.me), body });
      expect(reply.status, `${name}: ${JSON.stringify(reply.body)}`).toBe(400);
      expect(reply.body.error.message, name).toBeTruthy();
      if (where.length)
        expect(
          reply.body.error.details.errors.map((e: { path: string[] }) => e.path),
          name,
        ).toContainEqual(where);
    }
    for (const [name, answerId, data, where] of workerCases) {
      const reply = await save(answerId, data as Record<string, unknown>);
      expect(reply.status, `${name}: ${JSON.stringify(reply.body)}`).toBe(400);
      if (where.length)
        expect(
          reply.body.error.details.errors.map((e: { path: string[] }) => e.path),
          name,
        ).toContainEqual(where);
    }
    expect(await fingerprint()).toEqual(before);
  });

  it("takes a question of exactly 2000 characters, and a title of 120", async () => {
    expect((await start("a".repeat(2000))).status).toBe(201);
    const { id } = await started();
    const renamed = await api.call("PUT", `/api/conversations/${id}`, {
      ...as(jwt.me),
      body: { data: { title: "t".repeat(120) } },
    });
    expect(renamed.status).toBe(200);
  });
});
