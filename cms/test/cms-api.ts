// A thin client for the CMS's HTTP APIs as the tests use them: the content API as Public, a member, or a token,
// and the admin panel's API as an editor would through the browser.
import type { StackEnv } from "../../scripts/stack/apps.ts";

export type Reply<T = any> = { status: number; body: T };

export type CmsApi = ReturnType<typeof cmsApi>;

export function cmsApi(env: StackEnv) {
  const base = String(env.CMS_URL);
  const call = async <T = any>(
    method: string,
    path: string,
    init: { token?: string; body?: unknown } = {},
  ): Promise<Reply<T>> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };

  let adminToken: string | undefined;
  const admin = async <T = any>(method: string, path: string, body?: unknown): Promise<Reply<T>> => {
    if (!adminToken) {
      const login = await call("POST", "/admin/login", {
        body: { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD },
      });
      if (login.status !== 200) throw new Error(`admin login failed: ${login.status} ${JSON.stringify(login.body)}`);
      adminToken = login.body.data.token;
    }
    return call<T>(method, path, { token: adminToken, body });
  };
  const articles = "/content-manager/collection-types/api::article.article";

  return {
    call,
    admin,
    /** Signs a new member up; returns their JWT and user (with documentId). */
    async signUp(username: string) {
      const reply = await call("POST", "/api/auth/local/register", {
        body: { username, email: `${username}@example.test`, password: "Passw0rd-long" },
      });
      if (reply.status !== 200) throw new Error(`sign-up failed: ${reply.status} ${JSON.stringify(reply.body)}`);
      return {
        jwt: reply.body.jwt as string,
        user: reply.body.user as { id: number; documentId: string; username: string },
      };
    },
    /** Saves a generated draft the way the worker does. */
    saveDraft(runId: string, data: Record<string, unknown>, token = String(env.CMS_WORKER_TOKEN)) {
      return call("PUT", `/api/generation/drafts/${encodeURIComponent(runId)}`, { token, body: { data } });
    },
    publish: (documentId: string, locale: string) =>
      admin("POST", `${articles}/${documentId}/actions/publish?locale=${locale}`, {}),
    unpublish: (documentId: string, locale: string) =>
      admin("POST", `${articles}/${documentId}/actions/unpublish?locale=${locale}`, {}),
    remove: (documentId: string, locale: string) => admin("DELETE", `${articles}/${documentId}?locale=${locale}`),
  };
}

/** A valid generated draft for `creatorId`; override any field. */
export function draft(creatorId: string, runId: string, overrides: Record<string, unknown> = {}) {
  return {
    creatorId,
    locale: "en",
    title: `Writing with sources ${runId}`,
    summary: "How citations keep AI drafts honest.",
    body: "## Why sources matter\n\nEvery claim cites what was read [1].\n",
    tags: ["writing", "ai"],
    sources: [{ title: "A source", url: "https://example.org/a", excerpt: "An excerpt." }],
    generation: {
      runId,
      model: "offline",
      promptTokens: 0,
      completionTokens: 0,
      costUsd: 0,
      durationMs: 1200,
      offlineWriter: true,
    },
    ...overrides,
  };
}
