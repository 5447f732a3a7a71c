import type { Locale } from "@inkstone/config";
import type { APIContext } from "astro";
import { type Flash, setFlash } from "./auth/flash.ts";
import { endSession, type Session } from "./auth/session.ts";
import { CmsError, errorBody, toErrorBody } from "./cms/errors.ts";
import { localeOfPath, paths, t } from "./i18n/index.ts";
import { failedWith } from "./request-context.ts";
import { refusal, wantsJson } from "./responses.ts";
import { type LimitedAction, limit } from "./security/limits.ts";
import type { Verdict } from "./security/rate-limit.ts";

/** Helpers shared by the form endpoints in src/pages/api: read the form, answer (303 back to the page, or JSON). */

const MAX_BODY = 2_000_000;

export type Form = { get(name: string): string; all(name: string): string[]; files(name: string): File[] };

/** The submitted fields (a form post or JSON); oversized bodies are refused before they are read. */
export async function readForm(request: Request): Promise<Form | { tooLarge: true } | { malformed: true }> {
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MAX_BODY) return { tooLarge: true };
  const type = request.headers.get("content-type") ?? "";
  try {
    if (type.includes("application/json")) {
      const body = (await request.json()) as Record<string, unknown>;
      if (!body || typeof body !== "object" || Array.isArray(body)) return { malformed: true };
      const value = (name: string) => body[name];
      return {
        get: (name) => {
          const v = value(name);
          return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : "";
        },
        all: (name) => {
          const v = value(name);
          return Array.isArray(v)
            ? v.filter((x): x is string => typeof x === "string")
            : typeof v === "string"
              ? [v]
              : [];
        },
        files: () => [],
      };
    }
    const data = await request.formData();
    return {
      get: (name) => {
        const v = data.get(name);
        return typeof v === "string" ? v : "";
      },
      all: (name) => data.getAll(name).filter((x): x is string => typeof x === "string"),
      files: (name) => data.getAll(name).filter((x): x is File => typeof x !== "string" && x.size > 0),
    };
  } catch {
    // A body that does not parse (or a streamed one past the adapter's size limit) is the client's mistake: 400.
    return { malformed: true };
  }
}

/** A same-site path to return to after a form; anything else (another host, `//evil`, `javascript:`) is ignored. */
export function safeNext(value: string | undefined | null, fallback: string): string {
  if (!value?.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  try {
    const url = new URL(value, "http://community.invalid");
    if (url.origin !== "http://community.invalid") return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    // Not a URL at all: go back to the fallback, as for any other unusable `next`.
    return fallback;
  }
}

/** The locale a form's answer should speak: the page it came from. */
export function localeOfNext(next: string): Locale {
  return localeOfPath(next);
}

/** 303 to `location`, which the browser then GETs (post/redirect/get). */
export function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { location, "cache-control": "private, no-store" } });
}

export type Outcome = { next: string; message: string; data?: unknown };

/** A successful action: JSON for scripts, otherwise a message for the page and back to it. */
export function done(context: APIContext, outcome: Outcome): Response {
  if (wantsJson(context.request))
    return Response.json({ data: outcome.data ?? { ok: true } }, { headers: { "cache-control": "private, no-store" } });
  setFlash(context.cookies, { kind: "ok", message: outcome.message });
  return seeOther(outcome.next);
}

/**
 * A failed action: `{ error: { code, message } }` with the status for scripts; for browsers, the message (and field
 * messages, and what was typed) go back to the page with the form.
 */
export function failed(
  context: APIContext,
  status: number,
  code: string,
  message: string,
  back: { next: string; form?: string; fields?: Record<string, string>; values?: Record<string, string> },
): Response {
  if (wantsJson(context.request))
    return Response.json(errorBody(code, message, back.fields), {
      status,
      headers: { "cache-control": "private, no-store" },
    });
  const flash: Flash = { kind: "error", message };
  if (back.form) flash.form = back.form;
  if (back.fields) flash.fields = back.fields;
  if (back.values) flash.values = back.values;
  setFlash(context.cookies, flash);
  return seeOther(back.next);
}

/** A CMS failure as `failed`; a member whose JWT the CMS no longer accepts is sent to sign in again. */
export function cmsFailed(
  context: APIContext,
  error: unknown,
  back: { next: string; form?: string; values?: Record<string, string> },
): Response {
  const locale = localeOfNext(back.next);
  if (error instanceof CmsError && error.code === "unauthorized" && context.locals.session) {
    endSession(context.cookies);
    return failed(context, 401, "unauthorized", t(locale).auth.signInFirst, {
      next: paths.signIn(locale, back.next),
    });
  }
  // The CMS limits some routes itself (sign-in: per address, and every member signs in through us).
  if (error instanceof CmsError && error.code === "rate_limited")
    return tooMany(context, { ok: false, retryAfterSeconds: 60 }, locale);
  const { status, body } = toErrorBody(error);
  // The CMS down or answering nonsense, or our own bug: the request's log line says which.
  if (status >= 500) failedWith(error);
  const message = status === 503 ? t(locale).errors.cmsDown : body.error.message;
  return failed(context, status, body.error.code, message, {
    ...back,
    ...(body.error.fields ? { fields: body.error.fields } : {}),
  });
}

/** 429 with Retry-After, whether a script or a browser asked. */
export function tooMany(context: APIContext, verdict: Extract<Verdict, { ok: false }>, locale: Locale): Response {
  return refusal(
    context.request,
    429,
    "rate_limited",
    t(locale).errors.tooMany(verdict.retryAfterSeconds),
    { "retry-after": String(verdict.retryAfterSeconds) },
    locale,
  );
}

/** Signed out: scripts get 401, browsers go to sign in and come back. */
export function signInFirst(context: APIContext, next: string): Response {
  const locale = localeOfNext(next);
  return failed(context, 401, "unauthorized", t(locale).auth.signInFirst, { next: paths.signIn(locale, next) });
}

/** Refuses a body that is too large or unreadable. */
export function badBody(context: APIContext, form: { tooLarge: true } | { malformed: true }): Response {
  return "tooLarge" in form
    ? refusal(context.request, 413, "too_large", "The request body is too large (2 MB at most).")
    : refusal(
        context.request,
        400,
        "malformed",
        "The request body could not be read as a form or JSON (2 MB at most).",
      );
}

/** The address to charge rate limits to (worked out once per request by src/middleware/request.ts). */
export function clientIp(context: APIContext): string {
  return context.locals.clientAddress || "unknown";
}

/** What a member's form endpoint works with once `memberRequest` let the request through. */
export type MemberRequest = { form: Form; next: string; locale: Locale; session: Session };

/**
 * The opening every member form endpoint shares: read the form, work out where to go back to, require a session
 * and, when `charge` names a limit, take from it. A Response is the answer to send as is (400, sign in, 429).
 */
export async function memberRequest(
  context: APIContext,
  fallbackNext: string,
  charge?: LimitedAction,
): Promise<MemberRequest | Response> {
  const form = await readForm(context.request);
  if (!("get" in form)) return badBody(context, form);
  const next = safeNext(form.get("next"), fallbackNext);
  const locale = localeOfNext(next);
  const session = context.locals.session;
  if (!session) return signInFirst(context, next);
  if (charge) {
    const verdict = limit(charge, clientIp(context), session.userId);
    if (!verdict.ok) return tooMany(context, verdict, locale);
  }
  return { form, next, locale, session };
}
