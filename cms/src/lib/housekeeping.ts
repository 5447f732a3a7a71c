import type { Core } from "@strapi/strapi";
import { pruneSpentLinks } from "./accounts/links.ts";
import { type Chore, startChore } from "./chore.ts";
import { log } from "./log.ts";
import { pruneSentMail } from "./mail/outbox.ts";
import { pruneExpiredSessions } from "./member-sessions.ts";
import { pruneSigninThrottle } from "./signin-throttle.ts";

/** Expired sessions and stale throttle rows only cost space, so a sweep every ten minutes is plenty. */
const SWEEP_EVERY_MS = 10 * 60 * 1000;

let chore: Chore | undefined;

/**
 * Deletes expired member sessions, sign-in throttle rows too old to count, spent mail links and sent mail, now and every ten minutes. Nothing is
 * lost when a sweep fails: expired sessions are refused when read anyway.
 */
export function startHousekeeping(strapi: Core.Strapi): void {
  chore = startChore("Housekeeping", SWEEP_EVERY_MS, async () => {
    const db = strapi.db.connection;
    const sessions = await pruneExpiredSessions(db);
    const throttle = await pruneSigninThrottle(db);
    const links = await pruneSpentLinks(db);
    const mail = await pruneSentMail(db);
    if (sessions || throttle || links || mail)
      log().debug({ sessions, throttle, links, mail }, "Housekeeping: pruned expired rows.");
  });
}

export async function stopHousekeeping(): Promise<void> {
  await chore?.stop();
  chore = undefined;
}
