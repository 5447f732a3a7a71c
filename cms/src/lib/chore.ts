import { errorMessage } from "@inkstone/config/logger";
import { log } from "./log.ts";

/** A periodic background chore: run now and every `everyMs`; `stop` waits for a run in progress. */
export type Chore = { stop(): Promise<void> };

/**
 * Runs `task` at once and then every `everyMs`, logging a failure once per run (the next run tries again). Stopping
 * lets a run in progress finish, so Strapi never closes the database pool under it.
 */
export function startChore(name: string, everyMs: number, task: () => Promise<void>): Chore {
  const run = async () => {
    try {
      await task();
    } catch (error) {
      log().warn({ error: errorMessage(error) }, `${name}: failed; will retry in ${Math.round(everyMs / 60_000)} min.`);
    }
  };
  let running = run();
  const timer = setInterval(() => {
    running = run();
  }, everyMs).unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
