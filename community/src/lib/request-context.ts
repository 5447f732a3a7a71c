import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger } from "@inkstone/config/logger";
import { logger } from "./log.ts";

/** What code deep inside a request (a CMS call, a caught error) needs to know about that request. */
export type RequestContext = {
  requestId: string;
  /** The logger whose lines carry this request's id. */
  log: Logger;
  /** Why this request is answered with a 5xx, when code that caught the error answered for it (see `failedWith`). */
  error?: unknown;
  /**
   * Set when some data this request rendered was the last good copy because its source failed (see cachedData): the
   * page is fine to show now, but not to keep as if it were fresh.
   */
  degraded?: boolean;
  /** The highest change-channel announcement this request made: the caller must see it on any replica next. */
  seen?: number;
};

/**
 * Set by the request middleware around everything that handles one request, so that the request id reaches the CMS
 * and the logs without being passed through every function (and without module state shared between requests).
 */
const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `handle` as part of the request `context`. */
export function withRequestContext<T>(context: RequestContext, handle: () => T): T {
  return storage.run(context, handle);
}

/** The request being handled, if any (background work started by a request still belongs to it). */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** The logger for the current request (its lines carry the request id), or the process's logger outside one. */
export function requestLog(): Logger {
  return storage.getStore()?.log ?? logger();
}

/**
 * Records `error` as the reason the current request is answered with a 5xx, by code that caught it and answered
 * itself: the request's one log line then carries it. Outside a request it is logged at once, so it is never lost.
 */
export function failedWith(error: unknown): void {
  const context = storage.getStore();
  if (context) context.error ??= error;
  else logger().error({ err: error }, "failed outside a request");
}
