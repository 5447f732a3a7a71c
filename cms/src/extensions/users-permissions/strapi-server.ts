import { DEFAULT_LOCALE, LOCALES, type Locale } from "@inkstone/config";
import { errorMessage } from "@inkstone/config/logger";
import type { Core } from "@strapi/strapi";
import { errors } from "@strapi/utils";
import { env } from "../../env.ts";
import { welcome } from "../../lib/accounts/flows.ts";
import {
  accountFor,
  isUniqueViolation,
  normaliseEmail,
  USERNAME_PATTERN,
  USERNAME_RULE,
  usernameTaken,
} from "../../lib/identities.ts";
import { log } from "../../lib/log.ts";
import { mailEnabled } from "../../lib/mail/transport.ts";
import { reserveAttempt, settleAttempt } from "../../lib/signin-throttle.ts";

type Ctx = {
  params: { provider?: string };
  request: { body?: Record<string, unknown>; ip: string };
  state: { clientAddress?: string };
  set(header: string, value: string): void;
};
type Action = (ctx: Ctx, next?: () => Promise<void>) => Promise<unknown>;
type Controller = Record<string, Action>;
type Route = { handler?: string; config?: { policies?: unknown[] } };
type Plugin = {
  controllers: Record<string, (deps: { strapi: Core.Strapi }) => Controller>;
  routes: Record<string, { routes: Route[] }>;
};

const isLocale = (value: unknown): value is Locale => (LOCALES as readonly unknown[]).includes(value);

/** users-permissions' answer to a wrong identifier or password: the one outcome the throttle counts. */
const WRONG_CREDENTIALS = "Invalid identifier or password";

const fieldError = (field: string, message: string) =>
  new errors.ValidationError(`${field}: ${message}`, {
    errors: [{ path: [field], message, name: "ValidationError" }],
  });

/** Sign-in, throttled per account and address (see lib/signin-throttle.ts); usernames match in any case. */
const throttledSignIn =
  (strapi: Core.Strapi, callback: Action): Action =>
  async (ctx, next) => {
    const body = ctx.request.body ?? {};
    const { identifier } = body;
    // Other providers, and bodies users-permissions refuses before looking at a password, pass straight through.
    if ((ctx.params.provider ?? "local") !== "local" || typeof identifier !== "string" || !identifier.trim())
      return callback(ctx, next);
    const user = await accountFor(strapi, identifier);
    const account = user ? `user:${user.documentId}` : `name:${identifier.trim().toLowerCase()}`;
    const address = ctx.state.clientAddress ?? ctx.request.ip;
    const db = strapi.db.connection;
    const verdict = await reserveAttempt(db, account, address);
    if (!verdict.ok) {
      ctx.set("Retry-After", String(verdict.retryAfterSeconds));
      const minutes = Math.ceil(verdict.retryAfterSeconds / 60);
      throw new errors.RateLimitError(
        verdict.reason === "address"
          ? `Too many failed sign-ins to this account from this address; try again in ${minutes} min.`
          : `Too many failed sign-ins to this account; try again in ${minutes} min, or from a device that has signed in to it before.`,
        { reason: verdict.reason, retryAfter: verdict.retryAfterSeconds },
      );
    }
    // users-permissions looks usernames up exactly; ours are unique in any case, so it is given the stored one.
    if (user) ctx.request.body = { ...body, identifier: user.username };
    let outcome: "failed" | "signed-in" | "neither" = "neither";
    try {
      const result = await callback(ctx, next);
      outcome = "signed-in";
      return result;
    } catch (error) {
      if (error instanceof errors.ValidationError && error.message === WRONG_CREDENTIALS) outcome = "failed";
      throw error;
    } finally {
      await settleAttempt(db, verdict.attemptId, outcome, account, address).catch((error: unknown) =>
        // The attempt stays counted as a failure: the safe side for a throttle.
        log().warn({ error: errorMessage(error), account }, "Sign-in throttle: could not settle an attempt."),
      );
    }
  };

/**
 * Sign-up: the community's username rule, usernames unique in any case, e-mails normalised. The community adds the
 * page's `locale` (not a users-permissions field, so taken out): the member's mail is written in it, starting with
 * the confirmation link sent here.
 */
const checkedRegister =
  (strapi: Core.Strapi, register: Action): Action =>
  async (ctx, next) => {
    const { locale: given, ...body } = ctx.request.body ?? {};
    const username = typeof body.username === "string" ? body.username.trim() : body.username;
    if (typeof username !== "string" || !USERNAME_PATTERN.test(username))
      throw fieldError("username", `expected ${USERNAME_RULE}`);
    if (given !== undefined && !isLocale(given)) throw fieldError("locale", `expected one of ${LOCALES.join(", ")}`);
    ctx.request.body = {
      ...body,
      username,
      ...(typeof body.email === "string" ? { email: normaliseEmail(body.email) } : {}),
    };
    // The case-insensitive check itself runs in the users lifecycle (lib/identities.ts), whatever creates the
    // account; two sign-ups racing for one name meet the unique index instead, answered the same way.
    let result: unknown;
    try {
      result = await register(ctx, next);
    } catch (error) {
      if (isUniqueViolation(error)) throw usernameTaken();
      throw error;
    }
    const user = (ctx as Ctx & { body?: { user?: { id?: number } } }).body?.user;
    if (user?.id !== undefined && mailEnabled(env())) await welcome(strapi, user.id, given ?? DEFAULT_LOCALE);
    return result;
  };

/** users-permissions' own mail flows, replaced by Inkstone's (src/api/account): links that expire, mail in the
 * member's language, sessions ended on a reset. Their routes are closed so no second way around them stays open. */
const REPLACED = new Set([
  "auth.forgotPassword",
  "auth.resetPassword",
  "auth.changePassword",
  "auth.sendEmailConfirmation",
  "auth.emailConfirmation",
]);
const REPLACED_MESSAGE =
  "Inkstone's own account routes handle this (/api/accounts: password reset and change, e-mail confirmation), through the community.";

/**
 * users-permissions, narrowed to the community's door: every one of its content-API routes (sign-in, sign-up,
 * OAuth, /users, roles and permissions) answers only the community's server (the community-only policy), but its
 * password and e-mail flows, which Inkstone replaces, answer nobody; sign-in is throttled; sign-up follows the
 * community's username rule, starts the member unconfirmed and mails the confirmation link in their language.
 */
export default (plugin: Plugin) => {
  for (const route of plugin.routes["content-api"]?.routes ?? []) {
    const closed = route.handler && REPLACED.has(route.handler);
    route.config = {
      ...route.config,
      policies: [
        closed ? { name: "global::closed", config: { message: REPLACED_MESSAGE } } : "global::community-only",
        ...(route.config?.policies ?? []),
      ],
    };
  }
  const auth = plugin.controllers.auth;
  if (!auth) throw new Error("users-permissions has no auth controller to extend");
  plugin.controllers.auth = (deps) => {
    const controller = auth(deps);
    const wrap = (name: string, make: (action: Action) => Action) => {
      const action = controller[name];
      if (!action) throw new Error(`users-permissions' auth controller has no ${name} action to extend`);
      controller[name] = make(action.bind(controller));
    };
    wrap("callback", (action) => throttledSignIn(deps.strapi, action));
    wrap("register", (action) => checkedRegister(deps.strapi, action));
    return controller;
  };
  return plugin;
};
