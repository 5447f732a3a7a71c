import type { APIContext, MiddlewareNext } from "astro";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Session } from "../src/lib/auth/session.ts";
import { CmsError } from "../src/lib/cms/errors.ts";

// The session store and the flash cookie, stood in for: what is checked is what a page does when the CMS refuses a
// member's call — the race between a block (or a sign-out elsewhere) and a request already past its session lookup.
const store = vi.hoisted(() => ({ records: new Set<string>(), deleted: [] as string[] }));
vi.mock("../src/lib/cms/sessions.ts", () => ({
  findSessionRecord: async (hash: string) => (store.records.has(hash) ? { userId: "u" } : null),
  deleteSessionRecord: async (hash: string) => {
    store.deleted.push(hash);
    store.records.delete(hash);
  },
}));
const flashes = vi.hoisted(() => [] as { message: string }[]);
vi.mock("../src/lib/auth/flash.ts", () => ({
  setFlash: (_cookies: unknown, flash: { message: string }) => flashes.push(flash),
}));

const { errorsMiddleware } = await import("../src/middleware/errors.ts");

const session: Session = { tokenHash: "a".repeat(64), jwt: "jwt", userId: "u", handle: "ada", expiresAt: "2099-01-01" };

function context(path: string, accept = "text/html") {
  const deleted: string[] = [];
  const request = new Request(`https://community.example${path}`, { headers: { accept } });
  const ctx = {
    request,
    url: new URL(request.url),
    locals: { session: { ...session }, flash: null },
    cookies: { delete: (name: string) => deleted.push(name) },
  } as unknown as APIContext;
  return { ctx, deleted };
}
const failing = (error: unknown) => (async () => Promise.reject(error)) as MiddlewareNext;

beforeEach(() => {
  store.records.clear();
  store.deleted.length = 0;
  flashes.length = 0;
});

describe("a page whose member call the CMS refuses", () => {
  it("ends a session the CMS no longer honours (401) and sends the member to sign in, with the reason", async () => {
    const { ctx, deleted } = context("/en/settings?tab=1");
    const response = (await errorsMiddleware(
      ctx,
      failing(new CmsError(401, "unauthorized", "Invalid token")),
    )) as Response;
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`/en/signin?next=${encodeURIComponent("/en/settings?tab=1")}`);
    expect(deleted).toEqual(["inkstone_session"]);
    expect(store.deleted).toEqual([session.tokenHash]);
    expect(flashes.map((flash) => flash.message)).toEqual([expect.stringContaining("Your session has ended")]);
    expect(ctx.locals.session).toBeNull();
  });

  it("treats a 403 as the session's end when the store no longer has it (blocked meanwhile)", async () => {
    const { ctx } = context("/en/bookmarks", "application/json");
    const response = (await errorsMiddleware(ctx, failing(new CmsError(403, "forbidden", "Forbidden")))) as Response;
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: "session_ended", message: expect.any(String) } });
  });

  it("answers a 403 for a session that still stands as forbidden, never a 500, and keeps the session", async () => {
    store.records.add(session.tokenHash);
    const { ctx, deleted } = context("/zh-CN/settings");
    const response = (await errorsMiddleware(ctx, failing(new CmsError(403, "forbidden", "Forbidden")))) as Response;
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("你没有权限这样做。");
    expect(deleted).toEqual([]);
    expect(store.deleted).toEqual([]);
  });

  it("leaves other failures to the 500 page", async () => {
    const { ctx } = context("/en/settings");
    const bug = new Error("a bug");
    await expect(errorsMiddleware(ctx, failing(bug))).rejects.toBe(bug);
    const invalid = new CmsError(400, "invalid", "Bad request");
    await expect(errorsMiddleware(ctx, failing(invalid))).rejects.toBe(invalid);
  });
});
