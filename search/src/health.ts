import { errorMessage } from "@inkstone/config/logger";
import { SearchError } from "./errors.ts";

export type SearchHealthOptions = {
  /** MEILI_URL. Meilisearch answers `/health` without a key. */
  host: string;
  /** Ends the check early (the caller's own deadline). */
  signal?: AbortSignal;
  timeoutMs?: number;
};

/**
 * Resolves when Meilisearch says it is available; otherwise throws `search_unavailable` with the reason
 * (unreachable, an unexpected status, or a status other than "available").
 */
export async function searchHealth(options: SearchHealthOptions): Promise<void> {
  const url = `${options.host.replace(/\/$/, "")}/health`;
  const timeoutMs = options.timeoutMs ?? 5000;
  const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])]);
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { accept: "application/json" } });
  } catch (error) {
    const reason =
      signal.aborted && !options.signal?.aborted ? `no answer within ${timeoutMs} ms` : errorMessage(error);
    throw new SearchError("search_unavailable", `Meilisearch at ${options.host} cannot be reached: ${reason}`, {
      cause: error,
    });
  }
  if (response.status !== 200) {
    // Only the status matters; the body is discarded, and a failure to discard it changes nothing.
    await response.body?.cancel().catch(() => {});
    throw new SearchError("search_unavailable", `${url} answered ${response.status}`);
  }
  // A body that is not JSON leaves the status unknown, which the check below reports.
  const body = (await response.json().catch(() => undefined)) as { status?: unknown } | undefined;
  if (body?.status !== "available")
    throw new SearchError("search_unavailable", `Meilisearch says its status is ${JSON.stringify(body?.status)}`);
}
