import { AsyncLocalStorage } from "node:async_hooks";
import { createLogger, type Logger } from "@inkstone/config/logger";
import { env } from "../env.ts";

let base: Logger | undefined;
const requestLogs = new AsyncLocalStorage<Logger>();

/** The CMS's own logger (pino, LOG_LEVEL); inside a request, its lines carry that request's id. */
export function log(): Logger {
  const scoped = requestLogs.getStore();
  if (scoped) return scoped;
  // Created on first use rather than at import: the admin build imports this module without a real environment.
  if (!base) {
    const { LOG_LEVEL, NODE_ENV } = env();
    base = createLogger("cms", { level: LOG_LEVEL, nodeEnv: NODE_ENV });
  }
  return base;
}

/** Runs `work` with `log()` bound to a child logger that adds `requestId` to every line, timers included. */
export function withRequestId<T>(requestId: string, work: () => T): T {
  return requestLogs.run(log().child({ requestId }), work);
}

/** The id of the request being served, if any (forwarded on the calls the CMS makes because of it). */
export function currentRequestId(): string | undefined {
  return requestLogs.getStore()?.bindings().requestId;
}
