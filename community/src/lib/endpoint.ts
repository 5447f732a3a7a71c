import type { Locale } from "@inkstone/config";
import type { APIContext } from "astro";
import { type Flash, setFlash } from "./auth/flash.ts";
import type { Session } from "./auth/session.ts";
import { endGoneSession, sessionGone } from "./auth/session-ended.ts";
import { CmsError, errorBody, toErrorBody } from "./cms/errors.ts";
import { localeOfPath, paths, t } from "./i18n/index.ts";
import { failedWith } from "./request-context.ts";
import { refusal, UNAVAILABLE_RETRY_AFTER_SECONDS, wantsJson } from "./responses.ts";
import { controlIn, type InputProblem, jsonProblem, parseUrlEncoded, readBody, utf8 } from "./security/input.ts";
import { type LimitedAction, limit } from "./security/limits.ts";
import type { Verdict } from "./store/rate-limits.ts";

/** Helpers shared by the form endpoints in src/pages/api: read the form, answer (303 back to the page, or JSON). */

/** The largest form body read, whether it announces its length or is sent in chunks. */
export const MAX_BODY = 2_000_000;

export type Form = { get(name: string): string; all(name: string): string[]; files(name: string): File[] };

/** Why a body was not read; `form` is there when it parsed, so the answer can still go back to the page. */
export type BodyProblem =
  | { kind: "too_large" }
  | { kind: "malformed"; reason: string }
  | { kind: "invalid_input"; problem: InputProblem; form: Form };

const malformed = (reason: string): BodyProblem => ({ kind: "malformed", reason });

function fieldsForm(fields: Map<string, string[]>): Form {
  return {
    get: (name) => fields.get(name)?.[0] ?? "",
    all: (name) => fields.get(name) ?? [],
    files: () => [],
  };
}

function jsonForm(body: Record<string, unknown>): Form {
  return {
    get: (name) => {
      const v = body[name];
      return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : "";
    },
    all: (name) => {
      const v = body[name];
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : [];
    },
    files: () => [],
  };
}

async function multipartForm(bytes: Uint8Array<ArrayBuffer>, type: string): Promise<Form | BodyProblem> {
  let data: FormData;
  try {
    data = await new Response(bytes, { headers: { "content-type": type } }).formData();
  } catch {
    // Not multipart after all (a missing boundary, a cut-off part): the client's mistake, said as such.
    return malformed("The request body is not a complete multipart form.");
  }
  const form: Form = {
    get: (name) => {
      const v = data.get(name);
      return typeof v === "string" ? v : "";
    },
    all: (name) => data.getAll(name).filter((x): x is string => typeof x === "string"),
    files: (name) => data.getAll(name).filter((x): x is File => typeof x !== "string" && x.size > 0),
  };
  for (const [name, value] of data) {
    const text = typeof value === "string" ? value : value.name;
    const character =
      controlIn(name, { multiline: false }) ?? controlIn(text, { multiline: typeof value === "string" });
    if (character) return { kind: "invalid_input", problem: { kind: "control", where: name, character }, form };
  }
  return form;
}

/**
 * The submitted fields (a form post, multipart or JSON), read strictly: at most MAX_BODY bytes however they are sent,
 * UTF-8, no broken percent-encoding, no control characters (multi-line text keeps tab and line breaks).
 */
export async function readForm(request: Request, max = MAX_BODY): Promise<Form | BodyProblem> {
  const form = await parseForm(request, max);
  if ("get" in form) keepTyped(request, form);
  return form;
}

/** Fields a person writes (not ids, not secrets): what an answer saying "not now" must not lose. */
const TYPED_FIELDS = [
  "body",
  "question",
  "topic",
  "idea",
  "style",
  "references",
  "urls",
  "displayName",
  "bio",
  "links",
];
const typedByRequest = new WeakMap<Request, Record<string, string>>();

function keepTyped(request: Request, form: Form): void {
  const typed: Record<string, string> = {};
  for (const name of TYPED_FIELDS) if (form.get(name).trim()) typed[name] = form.get(name);
  if (Object.keys(typed).length > 0) typedByRequest.set(request, typed);
}

/** What the person typed into the form this request carried, if it was read (for a 503 page to give back). */
export function typedIn(request: Request): Record<string, string> | undefined {
  return typedByRequest.get(request);
}

async function parseForm(request: Request, max: number): Promise<Form | BodyProblem> {
  const read = await readBody(request, max);
  if ("tooLarge" in read) return { kind: "too_large" };
  if ("unreadable" in read) return malformed("The request body ended before it was complete.");
  const given = request.headers.get("content-type") ?? "";
  const type = given.toLowerCase();
  // The boundary is case-sensitive: the header goes on as it came.
  if (type.startsWith("multipart/form-data")) return multipartForm(read.bytes, given);
  const text = utf8(read.bytes);
  if (text === undefined) return malformed("The request body is not valid UTF-8 text.");
  if (type.startsWith("application/json")) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: the client's mistake, said as such.
      return malformed("The request body is not valid JSON.");
    }
    if (!body || typeof body !== "object" || Array.isArray(body))
      return malformed("The request body must be a JSON object of fields.");
    const form = jsonForm(body as Record<string, unknown>);
    const problem = jsonProblem(body);
    return problem ? { kind: "invalid_input", problem, form } : form;
  }
  if (type.startsWith("application/x-www-form-urlencoded") || (!type && !text)) {
    const parsed = parseUrlEncoded(text, { multiline: true });
    if ("fields" in parsed) return fieldsForm(parsed.fields);
    // Read leniently only to find where to send the member back to; nothing else of it is used.
    const lenient = new Map<string, string[]>();
    for (const [name, value] of new URLSearchParams(text)) lenient.set(name, [...(lenient.get(name) ?? []), value]);
    return { kind: "invalid_input", problem: parsed.problem, form: fieldsForm(lenient) };
  }
  return malformed("Send the form as application/x-www-form-urlencoded, multipart/form-data or application/json.");
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

/** Where a failed form goes back to, which form it was, its field messages, what was typed, an action to offer. */
export type Back = {
  next: string;
  form?: string;
  fields?: Record<string, string>;
  values?: Record<string, string>;
  action?: Flash["action"];
};

/**
 * A failed action: `{ error: { code, message } }` with the status for scripts; for browsers, the message (and field
 * messages, and what was typed) go back to the page with the form.
 */
export function failed(context: APIContext, status: number, code: string, message: string, back: Back): Response {
  if (wantsJson(context.request))
    return Response.json(errorBody(code, message, back.fields), {
      status,
      headers: {
        "cache-control": "private, no-store",
        ...(status === 503 ? { "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS) } : {}),
      },
    });
  const flash: Flash = { kind: "error", message };
  if (back.form) flash.form = back.form;
  if (back.fields) flash.fields = back.fields;
  if (back.values) flash.values = back.values;
  if (back.action) flash.action = back.action;
  setFlash(context.cookies, flash);
  return seeOther(back.next);
}

/**
 * A CMS failure as `failed`. A member whose session the CMS no longer honours (their JWT refused, or refused and the
 * session gone from the store: blocked, or signed out elsewhere) is signed out here too and sent to sign in again.
 */
export async function cmsFailed(
  context: APIContext,
  error: unknown,
  back: { next: string; form?: string; values?: Record<string, string> },
): Promise<Response> {
  const locale = localeOfNext(back.next);
  const session = context.locals.session;
  if (session && (await sessionGone(error, session))) {
    await endGoneSession(context.cookies, session);
    context.locals.session = null;
    return failed(context, 401, "session_ended", t(locale).auth.sessionEnded, {
      next: paths.signIn(locale, back.next),
    });
  }
  // Commenting, asking and generating wait for a confirmed address: say so, with a button for a new link.
  if (error instanceof CmsError && error.reason === "email_unverified") return unverifiedFirst(context, back);
  // The CMS limits some routes itself (failed sign-ins per account and address), and says for how long.
  if (error instanceof CmsError && error.code === "rate_limited")
    return tooMany(context, { ok: false, retryAfterSeconds: error.retryAfterSeconds ?? 60 }, locale);
  const { status, body } = toErrorBody(error);
  // The CMS down or answering nonsense, or our own bug: the request's log line says which.
  if (status >= 500) failedWith(error);
  const message = status === 503 ? t(locale).errors.cmsDown : body.error.message;
  return failed(context, status, body.error.code, message, {
    ...back,
    ...(body.error.fields ? { fields: body.error.fields } : {}),
  });
}

/**
 * 403 `email_unverified`: the member must confirm their address first. The page they go back to shows the message
 * with a button that sends a new link, and keeps what they typed.
 */
export function unverifiedFirst(
  context: APIContext,
  back: { next: string; form?: string; values?: Record<string, string> },
): Response {
  const message = t(localeOfNext(back.next)).account.unverified;
  return failed(context, 403, "email_unverified", message, { ...back, action: "verify-email" });
}

/** 429 with Retry-After, whether a script or a browser asked. */
export function tooMany(
  context: Pick<APIContext, "request">,
  verdict: Extract<Verdict, { ok: false }>,
  locale: Locale,
): Response {
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

/** The language to refuse a body in: the page the form was sent from (its Referer), else the default. */
function refererLocale(request: Request): Locale {
  const referer = request.headers.get("referer");
  return referer && URL.canParse(referer) ? localeOfPath(new URL(referer).pathname) : localeOfPath("/");
}

/**
 * Refuses a body that was not read: too large (413), not a form (400), or holding a control character or broken
 * encoding (400, back to the page with the message when the form said where it came from).
 */
export function badBody(
  context: APIContext,
  problem: BodyProblem,
  fallbackNext: string,
  tooLarge: (locale: Locale) => string = (locale) => t(locale).errors.bodyTooLarge,
): Response {
  if (problem.kind === "invalid_input") {
    const next = safeNext(problem.form.get("next"), fallbackNext);
    const message = inputMessage(problem.problem, localeOfNext(next));
    return failed(context, 400, "invalid_input", message, { next, fields: { [problem.problem.where]: message } });
  }
  const locale = refererLocale(context.request);
  const e = t(locale).errors;
  return problem.kind === "too_large"
    ? refusal(context.request, 413, "too_large", tooLarge(locale), {}, locale)
    : refusal(context.request, 400, "malformed", `${e.bodyMalformed} ${problem.reason}`, {}, locale);
}

/** What to tell a person about a control character or broken encoding, in their language. */
export function inputMessage(problem: InputProblem, locale: Locale): string {
  const e = t(locale).errors;
  return problem.kind === "control"
    ? e.controlCharacter(problem.where, problem.character ?? "")
    : e.badEncoding(problem.where);
}

/** The address to charge rate limits to (worked out once per request by src/middleware/request.ts). */
export function clientIp(context: APIContext): string {
  return context.locals.clientAddress || "unknown";
}

/** What a member's form endpoint works with once `memberRequest` let the request through. */
export type MemberRequest = { form: Form; next: string; locale: Locale; session: Session };

/** A form that may be larger than MAX_BODY (a file upload): its own limit, and what to say past it. */
export type BodyLimit = { max: number; tooLarge: (locale: Locale) => string };

/**
 * The opening every member form endpoint shares: read the form, work out where to go back to, require a session
 * and, when `charge` names a limit, take from it. A Response is the answer to send as is (400, 413, sign in, 429).
 */
export async function memberRequest(
  context: APIContext,
  fallbackNext: string,
  charge?: LimitedAction,
  body?: BodyLimit,
): Promise<MemberRequest | Response> {
  const form = await readForm(context.request, body?.max);
  if (!("get" in form)) return badBody(context, form, fallbackNext, body?.tooLarge);
  const next = safeNext(form.get("next"), fallbackNext);
  const locale = localeOfNext(next);
  const session = context.locals.session;
  if (!session) return signInFirst(context, next);
  if (charge) {
    const verdict = await limit(charge, clientIp(context), session.userId);
    if (!verdict.ok) return tooMany(context, verdict, locale);
  }
  return { form, next, locale, session };
}
