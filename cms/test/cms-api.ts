// A thin client for the CMS's HTTP APIs as the tests use them: the content API as Public, a member, or a token,
// and the admin panel's API as an editor would through the browser.
import type { StackEnv } from "../../scripts/stack/apps.ts";

export type Reply<T = any> = { status: number; body: T; headers: Headers };

/** Every test member's password. */
export const PASSWORD = "Passw0rd-long";

export type CmsApi = ReturnType<typeof cmsApi>;

export type CallInit = {
  token?: string;
  /** JSON, or a FormData sent as multipart/form-data (an upload). */
  body?: unknown;
  /** Send the community's credential (`x-inkstone-community`), as the community's server does. */
  community?: boolean;
  /** The member's address as the community reports it (`x-inkstone-client-address`). */
  address?: string;
  headers?: Record<string, string>;
};

export function cmsApi(env: StackEnv) {
  const base = String(env.CMS_URL);
  const call = async <T = any>(method: string, path: string, init: CallInit = {}): Promise<Reply<T>> => {
    const form = init.body instanceof FormData;
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(init.body === undefined || form ? {} : { "content-type": "application/json" }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.community ? { "x-inkstone-community": String(env.CMS_COMMUNITY_TOKEN) } : {}),
        ...(init.address ? { "x-inkstone-client-address": init.address } : {}),
        ...init.headers,
      },
      body: init.body === undefined || form ? (init.body as FormData | undefined) : JSON.stringify(init.body),
    });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (a proxy's or Koa's plain-text answer): kept as text for the assertion message.
      body = text;
    }
    return { status: response.status, body: body as T, headers: response.headers };
  };

  let adminToken: string | undefined;
  /** An editor's admin JWT, from /admin/login as the admin panel gets it. */
  const editorToken = async (): Promise<string> => {
    if (!adminToken) {
      const login = await call("POST", "/admin/login", {
        body: { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD },
      });
      if (login.status !== 200) throw new Error(`admin login failed: ${login.status} ${JSON.stringify(login.body)}`);
      adminToken = login.body.data.token as string;
    }
    return adminToken;
  };
  const admin = async <T = any>(method: string, path: string, body?: unknown): Promise<Reply<T>> =>
    call<T>(method, path, { token: await editorToken(), body });
  const articles = "/content-manager/collection-types/api::article.article";

  return {
    call,
    admin,
    editorToken,
    /** Signs a new member up through the community's door; returns their JWT and user (with documentId). */
    async signUp(username: string) {
      const reply = await call("POST", "/api/auth/local/register", {
        body: { username, email: `${username}@example.test`, password: PASSWORD },
        community: true,
      });
      if (reply.status !== 200) throw new Error(`sign-up failed: ${reply.status} ${JSON.stringify(reply.body)}`);
      return {
        jwt: reply.body.jwt as string,
        user: reply.body.user as { id: number; documentId: string; username: string },
      };
    },
    /** Signs in through the community's door, from `address`. */
    signIn: (identifier: string, password = PASSWORD, address?: string) =>
      call("POST", "/api/auth/local", { body: { identifier, password }, community: true, address }),
    /** Blocks (or unblocks) a member as an editor does in the admin panel. */
    setBlocked: (userId: string, blocked: boolean) =>
      admin("PUT", `/content-manager/collection-types/plugin::users-permissions.user/${userId}`, { blocked }),
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
