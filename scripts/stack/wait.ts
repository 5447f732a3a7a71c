import { readFile } from "node:fs/promises";
import { createServer, Socket } from "node:net";
import { errorMessage } from "@inkstone/config/logger";

/** Raised when a service is not ready in time or its process died while we waited. */
export class NotReadyError extends Error {
  override name = "NotReadyError";
}

type WaitOptions = {
  timeoutMs?: number;
  /** Stop waiting early when this says the process is gone. */
  alive?: () => boolean;
  what: string;
};

/**
 * Polls `probe` until it resolves true, the timeout passes, or the process dies. A probe that throws means "not
 * yet" (a refused connection while the server boots); the last such error goes into the timeout's message.
 */
export async function waitUntil(probe: () => Promise<boolean>, { timeoutMs = 120_000, alive, what }: WaitOptions) {
  const deadline = Date.now() + timeoutMs;
  let delay = 100;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (alive && !alive()) throw new NotReadyError(`${what} exited before it became ready`);
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 1.5, 1000);
  }
  const last = lastError === undefined ? "" : ` (last check: ${errorMessage(lastError)})`;
  throw new NotReadyError(`${what} was not ready after ${Math.round(timeoutMs / 1000)} s${last}`);
}

/** True when `url` answers with one of `statuses` within a couple of seconds. */
export async function httpAnswers(url: string, statuses: readonly number[] = [200]): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000), redirect: "manual" });
  await response.body?.cancel();
  return statuses.includes(response.status);
}

/** True when something accepts TCP connections on host:port. */
export function tcpAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("error", () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** The last `lines` lines of a log file, for error messages. */
export async function tailFile(path: string, lines: number): Promise<string> {
  // No log file yet means nothing was written: no lines to show.
  const text = await readFile(path, "utf8").catch(() => "");
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
