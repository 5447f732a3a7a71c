import { errorMessage } from "@inkstone/config/logger";
import { searchHealth } from "@inkstone/search";
import { checkTemporal } from "@inkstone/workflows/client";

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
    const message = signal.aborted ? `no answer within ${timeoutMs} ms` : errorMessage(error);
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: message };
  }
}

async function expectStatus(url: string, signal: AbortSignal, accepted: (status: number) => boolean): Promise<void> {
  const response = await fetch(url, { signal });
  if (!accepted(response.status)) throw new Error(`${url} answered ${response.status}`);
}

/** Checks, in parallel, that the CMS, Meilisearch and Temporal answer. */
export async function checkHealth(targets: HealthTargets): Promise<Health> {
  const timeoutMs = targets.timeoutMs ?? 2000;
  const [cms, meilisearch, temporalHealth] = await Promise.all([
    probe(async (signal) => {
      // Strapi answers 204 on /_health once it serves requests.
      await expectStatus(`${targets.cmsUrl}/_health`, signal, (s) => s >= 200 && s < 300);
    }, timeoutMs),
    probe((signal) => searchHealth({ host: targets.meiliUrl, signal, timeoutMs }), timeoutMs),
    // The workflows client keeps one connection per address and reconnects after a failure.
    probe((signal) => checkTemporal(targets.temporalAddress, { signal }), timeoutMs),
  ]);
  const services = { cms, meilisearch, temporal: temporalHealth };
  return { status: Object.values(services).every((s) => s.ok) ? "ok" : "degraded", services };
}
