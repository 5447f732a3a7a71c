import { variables } from "@inkstone/config";
import { createLogger } from "@inkstone/config/logger";

/**
 * The launcher's events, warnings and errors, on stderr so stdout stays the status display. The level is LOG_LEVEL
 * from the environment; `npm start` sets it again once it has read .env (`log.level = …`).
 */
export const log = createLogger("launcher", {
  // An invalid LOG_LEVEL is reported by the launcher's own settings check; until then, the default.
  level: variables.LOG_LEVEL.catch("info").parse(process.env.LOG_LEVEL),
  destination: process.stderr,
});
