import type { Logger, LogLevel } from "@inkstone/config/logger";
import { DefaultLogger, type LogEntry, Runtime } from "@temporalio/worker";

const TEMPORAL_LEVEL = { debug: "DEBUG", info: "INFO", warn: "WARN", error: "ERROR" } as const;
const PINO_LEVEL = { TRACE: "trace", DEBUG: "debug", INFO: "info", WARN: "warn", ERROR: "error" } as const;

/**
 * Sends the Temporal SDK's own log lines (worker state, failed activities, the native core's warnings) to `logger`
 * as structured lines, instead of the SDK's plain stderr output. Must run before the first connection is made.
 */
export function installTemporalLogging(logger: Logger, level: LogLevel): void {
  const temporal = logger.child({ component: "temporal" });
  const write = ({ level: entryLevel, message, meta }: LogEntry) => {
    // The SDK passes errors as `error`; pino serialises them (message, stack) only under `err`.
    const { error, ...rest } = meta ?? {};
    temporal[PINO_LEVEL[entryLevel]](error instanceof Error ? { ...rest, err: error } : (meta ?? {}), message);
  };
  Runtime.install({
    logger: new DefaultLogger(TEMPORAL_LEVEL[level], write),
    telemetryOptions: { logging: { filter: { core: "WARN", other: "ERROR" }, forward: {} } },
  });
}
