import { Connection } from "@temporalio/client";

export type ServiceHealth = { ok: boolean; latencyMs: number; error?: string };
export type Health = { status: "ok" | "degraded"; services: Record<"cms" | "meilisearch" | "temporal", ServiceHealth> };

export type HealthTargets = { cmsUrl: string; meiliUrl: string; temporalAddress: string; timeoutMs?: number };

/** Times `check`, turning a throw or a timeout into `ok: false` with the reason. */
async function probe(check: (signal: AbortSignal) => Promise<void>, timeoutMs: number): Promise<ServiceHealth> {
  const started = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    await Promise.race([
      check(signal),
      new Promise<never>((_, reject) =>
        signal.addEventListener("abort", () => reject(new Error(`no answer within ${timeoutMs} ms`))),
      ),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    const message = signal.aborted ? `no answer within ${timeoutMs} ms` : (error as Error).message;
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: message };
  }
}

async function expectStatus(
  url: string,
  signal: AbortSignal,
  accepted: (status: number) => boolean,
): Promise<Response> {
  const response = await fetch(url, { signal });
  if (!accepted(response.status)) throw new Error(`${url} answered ${response.status}`);
  return response;
}

// One lazily opened connection per address, dropped after a failure so the next check reconnects.
const connections = new Map<string, Promise<Connection>>();
async function temporalConnection(address: string): Promise<Connection> {
  const connection = connections.get(address) ?? Connection.connect({ address, connectTimeout: 2000 });
  connections.set(address, connection);
  try {
    return await connection;
  } catch (error) {
    connections.delete(address);
    throw error;
  }
}

/** Checks, in parallel, that the CMS, Meilisearch and Temporal answer. */
export async function checkHealth(targets: HealthTargets): Promise<Health> {
  const timeoutMs = targets.timeoutMs ?? 2000;
  const [cms, meilisearch, temporalHealth] = await Promise.all([
    probe(async (signal) => {
      // Strapi answers 204 on /_health once it serves requests.
      await expectStatus(`${targets.cmsUrl}/_health`, signal, (s) => s >= 200 && s < 300);
    }, timeoutMs),
    probe(async (signal) => {
      const response = await expectStatus(`${targets.meiliUrl}/health`, signal, (s) => s === 200);
      const body = (await response.json()) as { status?: string };
      if (body.status !== "available") throw new Error(`Meilisearch says ${JSON.stringify(body.status)}`);
    }, timeoutMs),
    probe(async () => {
      const connection = await temporalConnection(targets.temporalAddress);
      try {
        await connection.workflowService.getSystemInfo({});
      } catch (error) {
        connections.delete(targets.temporalAddress);
        await connection.close().catch(() => {});
        throw error;
      }
    }, timeoutMs),
  ]);
  const services = { cms, meilisearch, temporal: temporalHealth };
  return { status: Object.values(services).every((s) => s.ok) ? "ok" : "degraded", services };
}
