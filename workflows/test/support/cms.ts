// The real CMS (built Strapi, its own database) behind a recording proxy. The proxy lets tests count what the
// worker sent (one PUT per saved draft, failures reported) and turns the tests' creator names ("writer1") into
// real members, signed up on first sight — the CMS itself validates and stores everything.
// Blocking is the proxy's own: for a name a test blocked it answers the creator lookup (GET
// /api/generation/creators/:name) and refuses drafts the way the CMS does (403 creator_blocked), so tests block a
// name without an editor's session; every other lookup is the CMS's.
// `publish` puts an article in the community as an editor would: a draft through the worker's route, then the
// admin panel's publish. The CMS's own sync indexes it, under the prefix in `env`.
import type { GenerationDraft, GenerationFailure, Locale } from "@inkstone/config";
import { REQUEST_ID_HEADER } from "@inkstone/config/logger";
import pg from "pg";
import { cmsApi } from "../../../cms/test/cms-api.ts";
import type { StackEnv } from "../../../scripts/stack/apps.ts";
import { startTestApps } from "../../../scripts/test/services.ts";
import { listen, readBody } from "./http.ts";

export type StoredDraft = { documentId: string; runId: string; draft: GenerationDraft; writes: number };
export type CmsCall = {
  method: string;
  path: string;
  status: number;
  at: number;
  requestId?: string;
  /** What the worker saved of an answer (PUT /api/conversation-answers/:id): the `data` it sent. */
  answer?: Record<string, unknown>;
};

/** An article to publish: what an editor would publish, in one locale. */
export type ArticleToPublish = {
  locale: Locale;
  title: string;
  summary?: string;
  body: string;
  sources?: GenerationDraft["sources"];
};

export async function startCms(overrides: StackEnv = {}) {
  const { env } = await startTestApps(["cms"], overrides);
  const upstream = String(env.CMS_URL);
  const token = String(env.CMS_WORKER_TOKEN);
  const drafts = new Map<string, StoredDraft>();
  const failures: { runId: string; failure: GenerationFailure }[] = [];
  const calls: CmsCall[] = [];
  const members = new Map<string, Promise<string>>();
  /** Names the creator lookup reports as blocked, and whose drafts are refused. */
  const blocked = new Set<string>();
  /** Names whose drafts are refused while the lookup still says they are not blocked (blocked in between). */
  const refusedDrafts = new Set<string>();
  /** Names whose draft saves are held this long before they reach the CMS (a slow save, to cancel during). */
  const slowDrafts = new Map<string, number>();
  /** Run ids whose draft save has reached the proxy (it may still be on its way to the CMS). */
  const savesStarted = new Set<string>();
  const db = new pg.Client({ connectionString: String(env.DATABASE_URL) });
  await db.connect();

  /** A real member's documentId for a test's creator name. */
  const member = (name: string) => {
    let id = members.get(name);
    if (!id) {
      id = (async () => {
        const username = name.toLowerCase().replace(/[^a-z0-9_-]/g, "-");
        const response = await fetch(`${upstream}/api/auth/local/register`, {
          method: "POST",
          // Sign-ups come through the community's server only, which proves itself with its token.
          headers: { "content-type": "application/json", "x-inkstone-community": String(env.CMS_COMMUNITY_TOKEN) },
          body: JSON.stringify({ username, email: `${username}@example.test`, password: "Passw0rd-long" }),
        });
        const body = (await response.json()) as { user?: { documentId: string } };
        if (!body.user) throw new Error(`could not sign ${name} up: ${JSON.stringify(body)}`);
        return body.user.documentId;
      })();
      members.set(name, id);
    }
    return id;
  };

  const http = await listen(async (request, response) => {
    const method = request.method ?? "GET";
    const path = request.url ?? "/";
    const text = await readBody(request);
    const requestId = request.headers[REQUEST_ID_HEADER];
    const answerSave = method === "PUT" && path.startsWith("/api/conversation-answers/");
    const record = (status: number) =>
      calls.push({
        method,
        path,
        status,
        at: Date.now(),
        ...(typeof requestId === "string" ? { requestId } : {}),
        ...(answerSave ? { answer: (JSON.parse(text) as { data: Record<string, unknown> }).data } : {}),
      });
    const answer = (status: number, body: unknown) => {
      record(status);
      response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };

    // The creator lookup: blocked names are answered here; the others go to the CMS as the member they stand for.
    let upstreamPath = path;
    const creatorRoute = /^\/api\/generation\/creators\/([^/]+)$/.exec(path);
    if (method === "GET" && creatorRoute?.[1]) {
      const name = decodeURIComponent(creatorRoute[1]);
      if (blocked.has(name)) {
        if (request.headers.authorization !== `Bearer ${token}`)
          return answer(401, { data: null, error: { status: 401, name: "UnauthorizedError", message: "no token" } });
        return answer(200, { data: { blocked: true } });
      }
      const id = await member(name).catch((error: Error) => error);
      if (id instanceof Error) return answer(502, { data: null, error: { status: 502, message: id.message } });
      upstreamPath = `/api/generation/creators/${id}`;
    }
    let sent: { data?: { creatorId?: string } } | undefined;
    let forwarded = text;
    try {
      sent = text ? JSON.parse(text) : undefined;
      if (sent?.data?.creatorId)
        forwarded = JSON.stringify({ ...sent, data: { ...sent.data, creatorId: await member(sent.data.creatorId) } });
    } catch {
      // Not JSON: forwarded as is, the CMS answers 400.
    }
    const creator = sent?.data?.creatorId;
    const saving = method === "PUT" ? /^\/api\/generation\/drafts\/([^/]+)$/.exec(path)?.[1] : undefined;
    if (saving) savesStarted.add(decodeURIComponent(saving));
    const hold = creator ? slowDrafts.get(creator) : undefined;
    if (saving && hold) await new Promise((resolve) => setTimeout(resolve, hold));
    if (method === "PUT" && creator && (blocked.has(creator) || refusedDrafts.has(creator)))
      return answer(403, {
        data: null,
        error: { status: 403, name: "ForbiddenError", code: "creator_blocked", message: "the creator is blocked" },
      });
    const reply = await fetch(`${upstream}${upstreamPath}`, {
      method,
      headers: {
        "content-type": String(request.headers["content-type"] ?? "application/json"),
        ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
      },
      body: method === "GET" ? undefined : forwarded,
    });
    const replied = await reply.text();
    record(reply.status);
    const draftRoute = /^\/api\/generation\/drafts\/([^/]+)$/.exec(path);
    if (method === "PUT" && draftRoute?.[1] && reply.ok) {
      const runId = decodeURIComponent(draftRoute[1]);
      const { documentId } = (JSON.parse(replied) as { data: { documentId: string } }).data;
      const stored = drafts.get(runId) ?? { documentId, runId, draft: sent?.data as GenerationDraft, writes: 0 };
      stored.draft = sent?.data as GenerationDraft;
      stored.writes++;
      drafts.set(runId, stored);
    }
    const failedRoute = /^\/api\/generation\/runs\/([^/]+)\/failed$/.exec(path);
    if (method === "POST" && failedRoute?.[1] && reply.ok)
      failures.push({ runId: decodeURIComponent(failedRoute[1]), failure: sent?.data as GenerationFailure });
    response.writeHead(reply.status, { "content-type": "application/json" }).end(replied);
  });

  const api = cmsApi(env);
  let published = 0;

  return {
    url: http.url,
    /** The CMS's own settings: its index prefix and search key are where its published articles are found. */
    env,
    token,
    drafts,
    failures,
    calls,
    /** Blocks `name`: the lookup says so and drafts are refused. */
    block: (name: string) => blocked.add(name),
    /** Refuses `name`'s drafts (403 creator_blocked) while the lookup still says the creator is not blocked. */
    refuseDraftsOf: (name: string) => refusedDrafts.add(name),
    /** Holds `name`'s draft saves for `ms` before they go on to the CMS. */
    slowDraftsOf: (name: string, ms: number) => slowDrafts.set(name, ms),
    /** Run ids whose draft save has started (reached this proxy). */
    savesStarted,
    /** The CMS's notifications about `runId`, by kind: what the creator was told. */
    async notificationsOf(runId: string): Promise<string[]> {
      const { rows } = await db.query("SELECT kind FROM notifications WHERE run_id = $1 ORDER BY id", [runId]);
      return rows.map((row: { kind: string }) => row.kind);
    },
    /** Publishes `article` (a draft by "editor", then published); returns its documentId and slug. */
    async publish(article: ArticleToPublish): Promise<{ documentId: string; slug: string }> {
      const runId = `published-${++published}-${Date.now()}`;
      const saved = await api.saveDraft(runId, {
        creatorId: await member("editor"),
        tags: [],
        sources: [],
        summary: "",
        ...article,
        generation: {
          runId,
          model: "editor",
          promptTokens: 0,
          completionTokens: 0,
          durationMs: 0,
          offlineWriter: false,
        },
      });
      if (saved.status !== 200) throw new Error(`draft refused: ${saved.status} ${JSON.stringify(saved.body)}`);
      const { documentId } = saved.body.data as { documentId: string };
      const reply = await api.publish(documentId, article.locale);
      if (reply.status !== 200) throw new Error(`publish refused: ${reply.status} ${JSON.stringify(reply.body)}`);
      return { documentId, slug: String(reply.body.data.slug) };
    },
    /** Draft rows the CMS holds for a run: the proof that retries and restarts saved exactly one draft. */
    async draftRowsFor(runId: string): Promise<number> {
      const documentId = drafts.get(runId)?.documentId;
      if (!documentId) return 0;
      const { rows } = await db.query(
        "SELECT count(*)::int AS n FROM articles WHERE document_id = $1 AND published_at IS NULL",
        [documentId],
      );
      return rows[0].n;
    },
    /** Drafts in the CMS in all. */
    async draftCount(): Promise<number> {
      const { rows } = await db.query(
        "SELECT count(DISTINCT document_id)::int AS n FROM articles WHERE published_at IS NULL",
      );
      return rows[0].n;
    },
    async close() {
      await http.close();
      await db.end();
    },
  };
}
