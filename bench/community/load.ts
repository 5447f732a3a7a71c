import { Agent, request } from "node:http";

export type LoadResult = {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  /** Sorted latencies in milliseconds. */
  latencies: number[];
  firstError?: string;
};

export type LoadOptions = { connections?: number; seconds?: number; headers?: Record<string, string> };

/**
 * Keeps `connections` keep-alive connections busy with GETs of `url` (with `headers`) for `seconds` and counts what
 * comes back. Anything but a 200 with a body counts as an error. Bodies are counted, not decoded.
 */
export async function load(
  url: string,
  { connections = 200, seconds = 10, headers = {} }: LoadOptions = {},
): Promise<LoadResult> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const once = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = request(
        { host: target.hostname, port: target.port, path: target.pathname + target.search, agent, headers },
        (res) => {
          let bytes = 0;
          res.on("data", (chunk: Buffer) => {
            bytes += chunk.length;
          });
          res.on("end", () => {
            if (res.statusCode === 200 && bytes > 0) latencies.push(performance.now() - t0);
            else {
              errors++;
              firstError ??= `HTTP ${res.statusCode} (${bytes} bytes)`;
            }
            resolve();
          });
        },
      );
      req.on("error", (error) => {
        errors++;
        firstError ??= error.message;
        resolve();
      });
      req.end();
    });
  const worker = async () => {
    while (performance.now() < deadline) await once();
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    seconds: elapsed,
    rps: latencies.length / elapsed,
    latencies,
    firstError,
  };
}
