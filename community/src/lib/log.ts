import { parseEnv, variables } from "@inkstone/config";
import { createLogger, type Logger } from "@inkstone/config/logger";

let root: Logger | undefined;

/**
 * The community's logger: JSON lines in production, readable lines otherwise, at LOG_LEVEL. Created on first use,
 * because the environment is read at run time. It reads only LOG_LEVEL and NODE_ENV, so that it still works when
 * another variable is wrong (env() then throws, naming it). Inside a request, prefer `requestLog()`
 * (src/lib/request-context.ts), whose lines carry the request's id.
 */
export function logger(): Logger {
  if (!root) {
    const { LOG_LEVEL, NODE_ENV } = parseEnv("community", {
      LOG_LEVEL: variables.LOG_LEVEL,
      NODE_ENV: variables.NODE_ENV,
    });
    root = createLogger("community", { level: LOG_LEVEL, nodeEnv: NODE_ENV });
  }
  return root;
}
