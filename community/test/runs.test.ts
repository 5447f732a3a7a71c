import type { GenerationClient, RunStatus } from "@inkstone/workflows/client";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cmsApi } from "../../cms/test/cms-api.ts";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { articlePage, prose, startFixtureWeb } from "../../workflows/test/support/fixture-web.ts";
import { generationClientFor } from "./support/generation.ts";
import { startAnotherReplica } from "./support/replicas.ts";
import { addressedVisitor, type Reply, type Visitor } from "./support/visitor.ts";

// Runs that tell the truth, through the community, against the real CMS, worker (no language model: the offline
// writer) and Temporal, behind a trusted proxy. One generation slot, which a source that takes almost two minutes
// to read holds when a test needs a run to wait. This replica lets runs read private addresses (the sources are the
// stand-in web on loopback) and its worker has a web search provider; a second replica of the same deployment has
// neither setting, as most deployments.

const PASSWORD = "Passw0rd-long";
const json = { accept: "application/json" };
/** Long enough for the offline writer to compose a draft from it alone. */
const MATERIAL = prose("Tidal power", 8).join("\n\n");

let env: StackEnv;
let base: string;
let strict: string;
let db: pg.Client;
let web: Awaited<ReturnType<typeof startFixtureWeb>>;
let runs: GenerationClient;

beforeAll(async () => {
  web = await startFixtureWeb({
    "/slow": { body: articlePage("Tide tables", prose("Tide tables")), delayMs: 110_000 },
    "/searxng/search": { type: "application/json", body: JSON.stringify({ results: [] }) },
  });
  ({ env } = await startTestApps(["cms", "worker", "community"], {
    GENERATION_CONCURRENCY: "1",
    GENERATION_QUOTA: "20",
    FETCH_ALLOW_PRIVATE: "true",
    FETCH_TIMEOUT_MS: "120000",
    SEARXNG_URL: `${web.url}/searxng`,
    TRUSTED_PROXIES: "127.0.0.1,::1",
  }));
  base = String(env.COMMUNITY_URL);
  strict = String((await startAnotherReplica(env)).COMMUNITY_URL);
  db = new pg.Client({ connectionString: String(env.DATABASE_URL) });
  await db.connect();
  runs = await generationClientFor(env);
});
afterAll(async () => {
  await runs?.close();
  await db?.end();
  await web?.close();
});

const visitor = (at = base) => addressedVisitor(at);

type Member = { name: string; userId: string; visitor: Visitor };

async function join(name: string): Promise<Member> {
  const v = visitor();
  const reply = await v.post(
    "/api/auth/signup",
    { username: name, email: `${name}@example.test`, password: PASSWORD, next: "/en/" },
    json,
  );
  expect(reply.status, reply.text).toBe(200);
  const { rows } = await db.query("SELECT document_id FROM up_users WHERE username = $1", [name]);
  return { name, userId: rows[0].document_id, visitor: v };
}

/** Starts a run through the form endpoint (as a script); returns its id. */
async function startRun(v: Visitor, fields: Record<string, string | string[]>): Promise<string> {
  const reply = await v.post("/api/generation", { targetLength: "300", next: "/en/write", ...fields }, json);
  expect(reply.status, reply.text).toBe(200);
  return JSON.parse(reply.text).data.runId;
}

/** The run once it has `status`. */
const reach = (runId: string, status: RunStatus, timeout = 60_000) =>
  vi.waitFor(
    async () => {
      const view = await runs.getRun(runId);
      expect(view.status, `${runId} at ${view.stage}`).toBe(status);
      return view;
    },
    { timeout, interval: 250 },
  );

const data = (reply: Reply) => JSON.parse(reply.text).data;
const errorOf = (reply: Reply) => JSON.parse(reply.text).error;
/** The page's text without tags, entities decoded as far as these tests look. */
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
const cancel = (v: Visitor, runId: string, next = "/en/queue", accept = json) =>
  v.post(`/api/runs/${encodeURIComponent(runId)}/cancel`, { next }, accept);
const retry = (v: Visitor, runId: string, next = "/en/queue", accept = json) =>
  v.post(`/api/runs/${encodeURIComponent(runId)}/retry`, { next }, accept);
const notices = async (runId: string) =>
  (await db.query("SELECT kind FROM notifications WHERE run_id = $1 ORDER BY id", [runId])).rows.map(
    (row: { kind: string }) => row.kind,
  );

describe("runs tell the truth", () => {
  // Each member starts only a few runs: starting one is rate limited per member (five at once, then one a minute).
  let alice: Member;
  let bob: Member;
  let frank: Member;
  let carol: Member;
  let dave: Member;
  let erin: Member;
  /** Mallory's cookie from before she was blocked. */
  let blocked: Visitor;
  /** Alice's runs: one that made a draft, one that failed (nothing it could read, nothing pasted). */
  let made: string;
  let failed: string;

  beforeAll(async () => {
    [alice, bob, frank] = [await join("alice-r"), await join("bob-r"), await join("frank-r")];
    [carol, dave, erin] = [await join("carol-r"), await join("dave-r"), await join("erin-r")];
    const mallory = await join("mallory-r");
    blocked = mallory.visitor.copy();
    const reply = await cmsApi(env).admin(
      "PUT",
      `/content-manager/collection-types/plugin::users-permissions.user/${mallory.userId}`,
      { blocked: true },
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  });

  it("checks source URLs when the form is sent, by the worker's rule, with a field message in the page's language", async () => {
    // The strict replica: private addresses are not read there.
    const onStrict = alice.visitor.at(strict);
    const before = (await runs.listRunsOf(alice.userId)).length;
    const refused = async (urls: string, locale: "en" | "zh-CN") => {
      const page = await onStrict.submit("/api/generation", { topic: "Tides", urls, next: `/${locale}/write` });
      expect(page.status).toBe(200);
      const start = page.text.indexOf('id="write-urls-error"');
      expect(start, `${urls} was accepted`).toBeGreaterThan(0);
      return textOf(page.text.slice(start, page.text.indexOf("</span>", start)));
    };
    expect(await refused("http://127.0.0.1:9/notes", "en")).toContain(
      "“http://127.0.0.1:9/notes” points to a private network address, which cannot be read here.",
    );
    expect(await refused("http://10.1.2.3/notes", "zh-CN")).toContain("“http://10.1.2.3/notes”指向私有网络地址");
    expect(await refused("http://169.254.169.254/latest/meta-data/", "en")).toContain(
      "points to an address that is never read (link-local or reserved)",
    );
    expect(await refused("https://tides.invalid/tables", "en")).toContain(
      "“https://tides.invalid/tables”: the host name tides.invalid does not exist. Check the spelling.",
    );
    expect(await refused("https://tides.invalid/tables", "zh-CN")).toContain(
      "主机名 tides.invalid 不存在，请检查拼写。",
    );
    expect(await refused("https://me:secret@example.org/", "en")).toContain("contains a user name or password");
    expect(await refused("ftp://example.org/notes", "zh-CN")).toContain("不是 http 或 https 网址");
    // The first bad line is named, whichever line it is; what was typed comes back.
    const second = await onStrict.submit("/api/generation", {
      topic: "Tides",
      urls: "http://93.184.216.34/page\nhttp://169.254.169.254/",
      next: "/en/write",
    });
    expect(textOf(second.text)).toContain("“http://169.254.169.254/” points to an address that is never read");
    // As JSON: 400 with the field.
    const script = await onStrict.post(
      "/api/generation",
      { topic: "Tides", urls: "https://tides.invalid/", next: "/en/write" },
      json,
    );
    expect(script.status).toBe(400);
    expect(errorOf(script).fields.urls).toContain("does not exist");
    // Nothing was started by any of them.
    expect(await runs.listRunsOf(alice.userId)).toHaveLength(before);
    // The replica that allows private addresses (the operator's choice) lets the loopback through.
    const allowed = await startRun(alice.visitor, { topic: "Tides on loopback", urls: `${web.url}/slow` });
    expect(await cancel(alice.visitor, allowed).then(data)).toMatchObject({ outcome: "cancelled" });
  });

  it("offers web search only when a provider is configured; otherwise shows it off, and says why", async () => {
    const offered = await alice.visitor.get("/en/write");
    expect(offered.text).toMatch(/<input type="checkbox" name="webSearch" checked/);
    expect(offered.text).not.toContain('data-testid="web-search-off"');
    for (const [locale, why] of [
      ["en", "Web search is not available: this site has no search provider configured."],
      ["zh-CN", "网络搜索不可用：本站没有配置搜索服务。"],
    ] as const) {
      const page = await alice.visitor.at(strict).get(`/${locale}/write`);
      const box = page.text.match(/<input[^>]*name="webSearch"[^>]*>/)?.[0] ?? "";
      expect(box).toContain("disabled");
      expect(box).not.toContain("checked");
      expect(textOf(page.text)).toContain(why);
    }
  });

  it("answers a cancel with what happened: cancelled, already cancelled, already finished (draft kept), already failed", async () => {
    // A run holds the one slot; the next one waits behind it.
    const holding = await startRun(alice.visitor, { topic: "Holds the slot", urls: `${web.url}/slow` });
    await reach(holding, "active", 30_000);
    const waiting = await startRun(alice.visitor, { topic: "Waits its turn", references: MATERIAL });
    expect((await runs.getRun(waiting)).status).toBe("queued");

    // Only its creator: another member 403, signed out or blocked 401; nothing changes.
    expect((await cancel(bob.visitor, waiting)).status).toBe(403);
    expect((await cancel(visitor(), waiting)).status).toBe(401);
    expect((await cancel(blocked.copy(), waiting)).status).toBe(401);
    expect((await cancel(alice.visitor, "no-such-run")).status).toBe(404);
    expect((await runs.getRun(waiting)).status).toBe("queued");

    expect(data(await cancel(alice.visitor, waiting))).toEqual({
      runId: waiting,
      outcome: "cancelled",
      cancelled: true,
    });
    expect(data(await cancel(alice.visitor, waiting))).toMatchObject({
      outcome: "already_cancelled",
      cancelled: false,
    });
    // Without JavaScript: back to the run page, which says it in the page's language.
    const zh = await cancel(alice.visitor, waiting, `/zh-CN/runs/${encodeURIComponent(waiting)}`, {
      accept: "text/html",
    });
    expect(zh.status).toBe(303);
    expect(zh.location).toBe(`/zh-CN/runs/${encodeURIComponent(waiting)}`);
    expect(textOf((await alice.visitor.get(zh.location ?? "")).text)).toContain("任务早已取消。");
    const stop = await cancel(alice.visitor, holding, "/en/queue", { accept: "text/html" });
    expect(textOf((await alice.visitor.get(stop.location ?? "")).text)).toContain(
      "The run is cancelled. Nothing was saved.",
    );
    await reach(holding, "cancelled", 15_000);
    expect(await notices(waiting)).toEqual([]);

    // Finished a moment ago: said so, with the draft's place in the studio; the draft and its one notice stay.
    made = await startRun(frank.visitor, { topic: "Made a draft", references: MATERIAL });
    const view = await reach(made, "done");
    const result = view.result;
    expect(result).toBeDefined();
    expect(data(await cancel(frank.visitor, made))).toEqual({
      runId: made,
      outcome: "already_done",
      cancelled: false,
      draft: {
        documentId: result?.documentId,
        locale: result?.locale,
        url: `/en/studio/articles/${result?.locale}/${result?.documentId}`,
      },
    });
    const page = await frank.visitor.get(
      (await cancel(frank.visitor, made, `/en/runs/${made}`, { accept: "text/html" })).location ?? "",
    );
    expect(textOf(page.text)).toContain("The run had already finished: its draft is saved, and kept.");
    expect(page.text).toContain(`href="/en/studio/articles/${result?.locale}/${result?.documentId}"`);
    expect((await runs.getRun(made)).status).toBe("done");
    expect(await notices(made)).toEqual(["generation_finished"]);

    // Failed: nothing it could read, nothing pasted.
    failed = await startRun(frank.visitor, { topic: "Qxvzt plorb wug", urls: `${web.url}/missing` });
    await reach(failed, "failed");
    expect(data(await cancel(frank.visitor, failed))).toMatchObject({ outcome: "already_failed", cancelled: false });
    await expect.poll(() => notices(failed), { timeout: 10_000 }).toEqual(["generation_failed"]);
  });

  it("shows why a run failed in the page's language, with each source it could not read and what to do", async () => {
    const zh = await frank.visitor.get(`/zh-CN/runs/${encodeURIComponent(failed)}`);
    const text = textOf(zh.text);
    expect(text).toContain("没有任何来源可以读取，也没有提供参考资料或文件");
    expect(text).toContain(`${web.url}/missing : 网站返回了错误（404）`);
    expect(text).not.toContain("FETCH_ALLOW_PRIVATE");
    const en = textOf((await frank.visitor.get(`/en/runs/${encodeURIComponent(failed)}`)).text);
    expect(en).toContain("None of the sources could be read and no references or files were given");
    expect(en).toContain("the site answered with an error (404)");
    // Its creator may retry it, or start a new run from it; nobody else sees either, or the log.
    const own = await frank.visitor.get(`/en/runs/${encodeURIComponent(failed)}`);
    expect(own.text).toContain(`action="/api/runs/${encodeURIComponent(failed)}/retry"`);
    expect(own.text).toContain(`href="/en/write?from=${encodeURIComponent(failed)}"`);
    const other = await bob.visitor.get(`/en/runs/${encodeURIComponent(failed)}`);
    expect(other.status).toBe(200);
    expect(other.text).not.toContain("/retry");
    expect(other.text).not.toContain('data-testid="run-log"');
    expect(other.text).not.toContain('data-testid="run-error"');
  });

  it("retries a failed run with the same inputs for its creator only, and refuses a finished or running one", async () => {
    expect((await retry(bob.visitor, failed)).status).toBe(403);
    expect((await retry(visitor(), failed)).status).toBe(401);
    expect((await retry(blocked.copy(), failed)).status).toBe(401);
    expect((await retry(frank.visitor, "no-such-run")).status).toBe(404);
    const done = await retry(frank.visitor, made);
    expect(done.status).toBe(409);
    expect(errorOf(done)).toMatchObject({ code: "already_done", message: expect.stringContaining("start a new run") });
    expect(await runs.listRunsOf(frank.userId).then((list) => list.find((run) => run.runId === failed)?.status)).toBe(
      "failed",
    );

    // The retry is the same run id, started anew with the same inputs; without JavaScript it lands on its page.
    const again = await retry(frank.visitor, failed, `/en/runs/${encodeURIComponent(failed)}`, { accept: "text/html" });
    expect(again.status).toBe(303);
    expect(again.location).toBe(`/en/runs/${encodeURIComponent(failed)}`);
    expect(textOf((await frank.visitor.get(again.location ?? "")).text)).toContain(
      "The run starts again with the same inputs.",
    );
    expect(await runs.runInput(failed, { actorId: frank.userId, isEditor: false })).toMatchObject({
      topic: "Qxvzt plorb wug",
      urls: [`${web.url}/missing`],
    });
    await reach(failed, "failed");
    expect((await runs.getRun(failed)).attempts).toBe(1);

    // A run still going is not started twice.
    const going = await startRun(carol.visitor, { topic: "Still going", urls: `${web.url}/slow` });
    const busy = await retry(carol.visitor, going);
    expect(busy.status).toBe(409);
    expect(errorOf(busy).code).toBe("still_running");
    expect(data(await cancel(carol.visitor, going)).outcome).toBe("cancelled");
  });

  it("fills the form from the creator's own run, files included; another member gets a 404 and an empty form", async () => {
    // A run with an uploaded file.
    const form = new FormData();
    form.append("topic", "From my notes");
    form.append("targetLength", "300");
    form.append("language", "en");
    form.append("next", "/en/write");
    form.append("files", new Blob([MATERIAL]), "notes.md");
    const posted = await dave.visitor.request("/api/generation", {
      method: "POST",
      body: form,
      headers: { origin: base, accept: "application/json" },
    });
    expect(posted.status, posted.text).toBe(200);
    const withFile = data(posted).runId;
    await reach(withFile, "done");

    const page = await dave.visitor.get(`/en/write?from=${encodeURIComponent(withFile)}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('value="From my notes"');
    expect(page.text).toContain('name="keepFile" value="notes.md" checked');
    expect(page.text).toContain(`name="from" value="${withFile}"`);
    expect(textOf(page.text)).toContain("Filled in from your run “From my notes”.");
    const zh = await frank.visitor.get(`/zh-CN/write?from=${encodeURIComponent(made)}`);
    expect(zh.text).toContain('value="Made a draft"');
    expect(zh.text).toContain("Tidal power has been studied");

    for (const [v, path] of [
      [bob.visitor, `/en/write?from=${encodeURIComponent(withFile)}`],
      [dave.visitor, "/en/write?from=no-such-run"],
      [dave.visitor, `/en/write?from=${encodeURIComponent(made)}`],
    ] as const) {
      const refused = await v.get(path);
      expect(refused.status).toBe(404);
      expect(refused.text).not.toContain("From my notes");
      expect(textOf(refused.text)).toContain("There is no such run of yours to start from, so the form is empty.");
    }
    const anonymous = await visitor().get(`/en/write?from=${encodeURIComponent(withFile)}`);
    expect(anonymous.status).toBe(303);

    // Started from it: the kept file comes along, read from the earlier run (the creator's own only).
    const next = await startRun(dave.visitor, { topic: "From my notes, again", from: withFile, keepFile: "notes.md" });
    const input = await runs.runInput(next, { actorId: dave.userId, isEditor: false });
    expect(input.files).toEqual([{ name: "notes.md", content: MATERIAL }]);
    const stolen = await bob.visitor.post(
      "/api/generation",
      { topic: "Bob's copy", targetLength: "300", from: withFile, keepFile: "notes.md" },
      json,
    );
    expect(stolen.status).toBe(404);
    await reach(next, "done");
  });

  it("shows the whole log a page at a time, newest first, stages and lines in the page's language, and time per stage", async () => {
    const urls = Array.from({ length: 20 }, (_, i) => `${web.url}/missing-${i + 1}`);
    const runId = await startRun(erin.visitor, {
      topic: "Twenty dead links",
      urls: urls.join("\n"),
      references: MATERIAL,
    });
    const view = await reach(runId, "done");
    expect(view.log.length).toBeGreaterThan(25);
    expect(view.unread).toHaveLength(20);

    const path = `/en/runs/${encodeURIComponent(runId)}`;
    const first = await erin.visitor.get(path);
    const log = first.text.slice(first.text.indexOf('data-testid="run-log"'));
    const lines = [...log.matchAll(/<li class="(?:info|warn|error)"[^>]*>([\s\S]*?)<\/li>/g)].map((m) =>
      textOf(m[1] ?? ""),
    );
    expect(lines).toHaveLength(25);
    expect(lines[0]).toContain("Draft saved (new)");
    expect(first.text).toContain(`href="${path}?page=2" rel="next"`);
    expect(textOf(first.text)).toContain("Newest first.");
    // Every unread source, with why.
    const unread = first.text.slice(first.text.indexOf('data-testid="run-unread"'));
    expect(unread.match(/<li[ >]/g)?.length).toBeGreaterThanOrEqual(20);
    expect(textOf(unread)).toContain(`${web.url}/missing-7 : the site answered with an error (404)`);
    // Time per stage.
    const stages = first.text.slice(first.text.indexOf('data-testid="run-stages"'));
    for (const stage of ["Waiting in the queue", "Research", "Reading sources", "Outline", "Saving the draft"])
      expect(textOf(stages)).toContain(stage);
    expect(stages).toMatch(/data-seconds="\d+\.\d"/);
    // The draft opens in the studio; a done run is not retried, but may start a new one.
    expect(first.text).toContain(`href="/en/studio/articles/${view.result?.locale}/${view.result?.documentId}"`);
    expect(first.text).not.toContain("/retry");
    expect(first.text).toContain(`href="/en/write?from=${encodeURIComponent(runId)}"`);

    // The link works without JavaScript: page 2 holds the oldest lines.
    const second = await erin.visitor.get(`${path}?page=2`);
    expect(textOf(second.text)).toMatch(/Started after \d+(\.\d)? s in the queue\./);
    expect(second.text).toContain(`href="${path}" rel="prev"`);
    // A page past the end is the last one.
    expect(textOf((await erin.visitor.get(`${path}?page=9`)).text)).toContain("Started after");

    const zh = await erin.visitor.get(`/zh-CN/runs/${encodeURIComponent(runId)}`);
    const zhText = textOf(zh.text);
    expect(zhText).toContain("最新的在前。");
    expect(zhText).toContain("草稿已保存（新建）");
    expect(zhText).toContain("读取来源");
    expect(zhText).toContain(`无法读取 ${web.url}/missing-`);
    expect(zhText).toContain("网站返回了错误（404）");
    expect(zhText).not.toMatch(/could not read|Draft saved/);
    expect(textOf((await erin.visitor.get(`/zh-CN/runs/${encodeURIComponent(runId)}?page=2`)).text)).toMatch(
      /在队列中等候 \d+(\.\d)? 秒后开始。/,
    );

    // The queue and run pages name stages in the page's language too (checked on a run that is working).
    const working = await startRun(erin.visitor, { topic: "Working slowly", urls: `${web.url}/slow` });
    await reach(working, "active", 30_000);
    expect(textOf((await erin.visitor.get(`/zh-CN/runs/${encodeURIComponent(working)}`)).text)).toContain("读取来源");
    expect(textOf((await visitor().get("/zh-CN/queue")).text)).toContain("进行中 · 读取来源");
    expect(data(await cancel(erin.visitor, working)).outcome).toBe("cancelled");

    // Another member sees the run's topic and status, not its log, sources or draft; parameters Strapi would act
    // on mean nothing here.
    for (const asked of [path, `${path}?status=draft&populate=*&filters[creatorId]=${erin.userId}`]) {
      const other = await bob.visitor.get(asked);
      expect(other.status).toBe(200);
      for (const hidden of ["run-log", "run-unread", "run-stages", "run-draft"])
        expect(other.text).not.toContain(`data-testid="${hidden}"`);
    }
  });

  it("takes no service token for a member: the CMS's community and worker tokens open nothing here", async () => {
    const tokens: Record<string, string>[] = [
      { authorization: `Bearer ${String(env.CMS_WORKER_TOKEN)}` },
      { authorization: `Bearer ${String(env.CMS_COMMUNITY_TOKEN)}` },
      { "x-inkstone-community": String(env.CMS_COMMUNITY_TOKEN) },
    ];
    for (const headers of tokens) {
      const v = visitor();
      for (const action of ["cancel", "retry"]) {
        const reply = await v.post(`/api/runs/${encodeURIComponent(made)}/${action}`, {}, { ...json, headers });
        expect(reply.status, `${action} with ${Object.keys(headers)[0]}`).toBe(401);
      }
      expect((await v.get(`/en/write?from=${encodeURIComponent(made)}`, headers)).status).toBe(303);
      const page = await v.get(`/en/runs/${encodeURIComponent(made)}`, headers);
      expect(page.text).not.toContain('data-testid="run-log"');
    }
  });
});
