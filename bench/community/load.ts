import { Agent, request } from "node:http";

export type LoadResult = {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  /** Sorted latencies in milliseconds, of the requests that were answered as expected. */
  latencies: number[];
  /** Sorted latencies of the answered requests by their `Shot.kind`, when shots name one. */
  byKind: Record<string, number[]>;
  /** Every outcome, counted: HTTP statuses ("200", "303"), "timeout", socket errors ("ECONNRESET"), "unexpected body". */
  outcomes: Record<string, number>;
  firstError?: string;
};

/** One request: what to ask for and what its answer must hold. */
export type Shot = {
  /** Path and query on the load's origin. */
  path: string;
  headers?: Record<string, string>;
  /** A label to group latencies by (anonymous, signed-in…). */
  kind?: string;
  /** Text a 200's body must contain, or the answer counts as an error (a signed-in page that came back anonymous). */
  mustContain?: string;
};

export type LoadOptions = {
  connections?: number;
  seconds?: number;
  headers?: Record<string, string>;
  /** Each request in turn, when they vary (rotating members, a mix of pages); default: `url` with `headers`. */
  next?: () => Shot;
  /** Statuses that count as answered; default only 200. */
  ok?: (status: number) => boolean;
  /** A request not answered in full within this long is abandoned and counted as a "timeout" error; default: none. */
  timeoutMs?: number;
};

/** 2xx and 3xx: what a browser would take as an answer. */
export const SUCCESS_OR_REDIRECT = (status: number) => status >= 200 && status < 400;

/**
 * Keeps `connections` keep-alive connections busy for `seconds` and counts what comes back. By default every request
 * is a GET of `url` with `headers`, and anything but a 200 with a body counts as an error; `next` varies the requests,
 * `ok` widens the statuses that count. Bodies are counted, not decoded (searched only when a shot asks).
 */
export async function load(
  url: string,
  { connections = 200, seconds = 10, headers = {}, next, ok = (status) => status === 200, timeoutMs }: LoadOptions = {},
): Promise<LoadResult> {
  const target = new URL(url);
  const fixed: Shot = { path: target.pathname + target.search, headers };
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  const byKind: Record<string, number[]> = {};
  const outcomes: Record<string, number> = {};
  let errors = 0;
  let firstError: string | undefined;
  const count = (outcome: string) => {
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  };
  const fail = (why: string) => {
    errors++;
    firstError ??= why;
  };
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const once = () =>
    new Promise<void>((resolve) => {
      const shot = next ? next() : fixed;
      const t0 = performance.now();
      let settled = false;
      const settle = (outcome: string, why?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        count(outcome);
        if (why) fail(why);
        else {
          const elapsed = performance.now() - t0;
          latencies.push(elapsed);
          if (shot.kind) {
            byKind[shot.kind] ??= [];
            byKind[shot.kind]?.push(elapsed);
          }
        }
        resolve();
      };
      const req = request(
        { host: target.hostname, port: target.port, path: shot.path, agent, headers: shot.headers ?? {} },
        (res) => {
          const status = res.statusCode ?? 0;
          const chunks: Buffer[] | undefined = shot.mustContain && status === 200 ? [] : undefined;
          let bytes = 0;
          res.on("data", (chunk: Buffer) => {
            bytes += chunk.length;
            chunks?.push(chunk);
          });
          res.on("end", () => {
            if (!ok(status) || (status === 200 && bytes === 0))
              return settle(String(status), `HTTP ${status} (${bytes} bytes) for ${shot.path}`);
            if (chunks && shot.mustContain && !Buffer.concat(chunks).includes(shot.mustContain))
              return settle("unexpected body", `${shot.path} answered without ${shot.mustContain}`);
            settle(String(status));
          });
          res.on("error", (error) => settle(errorCode(error), `${error.message} for ${shot.path}`));
        },
      );
      // The whole exchange, not just silence between bytes: a page trickling in for ten seconds is not an answer.
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              settle("timeout", `no complete answer within ${timeoutMs} ms for ${shot.path}`);
              req.destroy();
            }, timeoutMs);
      req.on("error", (error) => settle(errorCode(error), `${error.message} for ${shot.path}`));
      req.end();
    });
  const worker = async () => {
    while (performance.now() < deadline) await once();
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  for (const samples of Object.values(byKind)) samples.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    seconds: elapsed,
    rps: latencies.length / elapsed,
    latencies,
    byKind,
    outcomes,
    firstError,
  };
}

const errorCode = (error: Error) => (error as NodeJS.ErrnoException).code ?? error.message;
