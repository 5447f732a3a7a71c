import { randomUUID } from "node:crypto";
import { REQUEST_ID_HEADER, REQUEST_ID_PATTERN } from "@inkstone/config/logger";
import { withRequestId } from "../lib/log.ts";

type Ctx = {
  get(header: string): string;
  set(header: string, value: string): void;
  state: { requestId?: string };
};

/**
 * Names every request: the caller's `x-request-id` when it is a valid one (the community and the worker send
 * theirs), a new one otherwise. It goes on `ctx.state.requestId`, on every CMS log line of the request, and back
 * in the response header, so one id follows a request across services.
 */
export default () => async (ctx: Ctx, next: () => Promise<void>) => {
  const given = ctx.get(REQUEST_ID_HEADER);
  const requestId = REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
  ctx.state.requestId = requestId;
  ctx.set(REQUEST_ID_HEADER, requestId);
  await withRequestId(requestId, next);
};
