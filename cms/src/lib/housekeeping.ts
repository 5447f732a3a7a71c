import { errorMessage } from "@inkstone/config/logger";
import type { Core } from "@strapi/strapi";
import { log } from "./log.ts";
import { pruneExpiredSessions } from "./member-sessions.ts";
import { pruneSigninThrottle } from "./signin-throttle.ts";

/** Expired sessions and stale throttle rows only cost space, so a sweep every ten minutes is plenty. */
const SWEEP_EVERY_MS = 10 * 60 * 1000;

let timer: NodeJS.Timeout | undefined;
let sweeping: Promise<void> | undefined;

/** Deletes expired member sessions and sign-in throttle rows too old to count, now and every ten minutes. */
export function startHousekeeping(strapi: Core.Strapi): void {
  const sweep = async () => {
    try {
      const db = strapi.db.connection;
      const sessions = await pruneExpiredSessions(db);
      const throttle = await pruneSigninThrottle(db);
      if (sessions || throttle) log().debug({ sessions, throttle }, "Housekeeping: pruned expired rows.");
    } catch (error) {
      // Nothing is lost: expired sessions are refused when read anyway, and the next sweep tries again.
      log().warn({ error: errorMessage(error) }, "Housekeeping: could not prune expired rows; will retry.");
    }
  };
  sweeping = sweep();
  timer = setInterval(() => {
    sweeping = sweep();
  }, SWEEP_EVERY_MS).unref();
}

export async function stopHousekeeping(): Promise<void> {
  clearInterval(timer);
  timer = undefined;
  // Let a sweep in progress finish before Strapi closes the database pool under it.
  await sweeping;
}
