import { errorMessage } from "@inkstone/config/logger";
import type { Core } from "@strapi/strapi";
import { errors } from "@strapi/utils";
import {
  accountFor,
  isUniqueViolation,
  normaliseEmail,
  USERNAME_PATTERN,
  USERNAME_RULE,
  usernameTaken,
} from "../../lib/identities.ts";
import { log } from "../../lib/log.ts";
import { reserveAttempt, settleAttempt } from "../../lib/signin-throttle.ts";

type Ctx = {
  params: { provider?: string };
  request: { body?: Record<string, unknown>; ip: string };
  state: { clientAddress?: string };
  set(header: string, value: string): void;
};
type Action = (ctx: Ctx, next?: () => Promise<void>) => Promise<unknown>;
type Controller = Record<string, Action>;
type Route = { config?: { policies?: unknown[] } };
type Plugin = {
  controllers: Record<string, (deps: { strapi: Core.Strapi }) => Controller>;
  routes: Record<string, { routes: Route[] }>;
};

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

/** Sign-up: the community's username rule, usernames unique in any case, e-mails normalised. */
const checkedRegister =
  (register: Action): Action =>
  async (ctx, next) => {
    const body = ctx.request.body ?? {};
    const username = typeof body.username === "string" ? body.username.trim() : body.username;
    if (typeof username !== "string" || !USERNAME_PATTERN.test(username))
      throw fieldError("username", `expected ${USERNAME_RULE}`);
    ctx.request.body = {
      ...body,
      username,
      ...(typeof body.email === "string" ? { email: normaliseEmail(body.email) } : {}),
    };
    // The case-insensitive check itself runs in the users lifecycle (lib/identities.ts), whatever creates the
    // account; two sign-ups racing for one name meet the unique index instead, answered the same way.
    try {
      return await register(ctx, next);
    } catch (error) {
      if (isUniqueViolation(error)) throw usernameTaken();
      throw error;
    }
  };

/** E-mails looked up normalised, as they are stored. */
const normalisedEmail =
  (action: Action): Action =>
  (ctx, next) => {
    const body = ctx.request.body;
    if (body && typeof body.email === "string") ctx.request.body = { ...body, email: normaliseEmail(body.email) };
    return action(ctx, next);
  };

/**
 * Password reset by e-mail: when the message cannot be sent (Inkstone sets up no mail delivery by default), the
 * answer is the same `{ ok: true }` as for an address no account has — the route never tells whether an account
 * exists — and the failure is logged for the operator instead of answering 500.
 */
const forgiving =
  (forgotPassword: Action): Action =>
  async (ctx, next) => {
    try {
      return await forgotPassword(ctx, next);
    } catch (error) {
      if (error instanceof errors.ApplicationError) throw error;
      log().warn(
        { error: errorMessage(error) },
        "Password reset: the e-mail could not be sent; set up the email plugin's provider to offer resets.",
      );
      (ctx as Ctx & { body: unknown }).body = { ok: true };
      return undefined;
    }
  };

/**
 * users-permissions, narrowed to the community's door: every one of its content-API routes (sign-in, sign-up,
 * password and e-mail flows, OAuth, /users, roles and permissions) answers only the community's server (the
 * community-only policy); sign-in is throttled; sign-up follows the community's username rule.
 */
export default (plugin: Plugin) => {
  for (const route of plugin.routes["content-api"]?.routes ?? []) {
    route.config = { ...route.config, policies: ["global::community-only", ...(route.config?.policies ?? [])] };
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
    wrap("register", checkedRegister);
    wrap("forgotPassword", (action) => normalisedEmail(forgiving(action)));
    wrap("sendEmailConfirmation", normalisedEmail);
    return controller;
  };
  return plugin;
};
