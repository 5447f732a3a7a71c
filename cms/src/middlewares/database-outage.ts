import { errorMessage } from "@inkstone/config/logger";
import type { Core } from "@strapi/strapi";
import { databaseAnswers, isConnectionFailure } from "../lib/database-health.ts";
import { log } from "../lib/log.ts";

/** Seconds a client is asked to wait: PostgreSQL restarts in a few; the knex pool reconnects on the next query. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;
export const OUTAGE_MESSAGE = "The database is not answering; try again shortly.";

type Ctx = {
  status: number;
  body: unknown;
  path: string;
  set(header: string, value: string): void;
};

/** Answers a failed request could have been given because the database is down: refusals and server errors. */
const mayHideOutage = (status: number) => status === 401 || status === 403 || status >= 500;

const statusOf = (error: unknown): number => {
  const status =
    (error as { status?: unknown; statusCode?: unknown })?.status ?? (error as { statusCode?: unknown })?.statusCode;
  return typeof status === "number" ? status : 500;
};

function answerOutage(ctx: Ctx): void {
  ctx.status = 503;
  ctx.set("Retry-After", String(OUTAGE_RETRY_AFTER_SECONDS));
  ctx.body = {
    data: null,
    error: { status: 503, name: "ServiceUnavailableError", message: OUTAGE_MESSAGE, details: {} },
  };
}

/**
 * While PostgreSQL cannot be reached every route answers 503 with Retry-After, never 401, 403 or 500: Strapi's
 * auth strategies look tokens and members up in the database and report a failed lookup as bad credentials
 * (users-permissions swallows the error), which would tell a client to fix credentials that are fine.
 *
 * An error that names a connection failure is answered 503 at once. Any other refusal or server error is checked
 * against a `select 1` (see databaseAnswers), so a wrong token still gets 401 while the database is up. Nothing
 * is kept between requests beyond a one-second verdict: once PostgreSQL is back, the pool reconnects and the
 * next request is served normally.
 */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  async (ctx: Ctx, next: () => Promise<void>) => {
    let failure: unknown;
    try {
      await next();
    } catch (error) {
      failure = error;
    }
    const status = failure === undefined ? ctx.status : statusOf(failure);
    if (!mayHideOutage(status)) {
      if (failure !== undefined) throw failure;
      return;
    }
    if (isConnectionFailure(failure) || !(await databaseAnswers(strapi.db.connection))) {
      log().warn(
        { path: ctx.path, status, error: failure && errorMessage(failure) },
        "Database unreachable: answered 503.",
      );
      answerOutage(ctx);
      return;
    }
    if (failure !== undefined) throw failure;
  };
