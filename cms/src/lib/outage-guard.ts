import { errorMessage } from "@inkstone/config/logger";
import { isConnectionFailure } from "./database-health.ts";
import { log } from "./log.ts";

/**
 * Strapi emits document events after a commit from a callback nobody awaits (its transaction context calls
 * `commitCallbacks.forEach((cb) => cb())`), and each event first reloads the entry with a deep populate. When
 * PostgreSQL goes away meanwhile (fast shutdown: "terminating connection due to administrator command"), that
 * query's rejection is unhandled and Node would end the whole CMS. An outage must cost 503s, not the process:
 * such a rejection is logged and dropped, and the pool reconnects when the database is back. Any other unhandled
 * rejection still ends the process, as Node would.
 */
export function surviveDatabaseOutages(): void {
  process.on("unhandledRejection", (reason) => {
    if (!isConnectionFailure(reason)) throw reason;
    log().warn({ error: errorMessage(reason) }, "Database unreachable: a query was cut off; the CMS carries on.");
  });
}
