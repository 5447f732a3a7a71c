import type { z } from "zod";

/** GETs or POSTs JSON to a configured service (not a source page: no SSRF guard) and parses the answer. */
export async function fetchJson<T extends z.ZodType>(
  url: string,
  schema: T,
  init: {
    method?: "GET" | "POST";
    headers?: Record<string, string>;
    body?: unknown;
    signal: AbortSignal;
    timeoutMs: number;
  },
): Promise<z.infer<T>> {
  const response = await fetch(url, {
    method: init.method ?? "GET",
    headers: {
      accept: "application/json",
      ...(init.body ? { "content-type": "application/json" } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.any([init.signal, AbortSignal.timeout(init.timeoutMs)]),
  });
  if (!response.ok) {
    // An unreadable error body leaves the status alone to explain the failure.
    // The status is the error; an unreadable body only leaves the detail out.
    const detail = (await response.text().catch(() => "")).slice(0, 200);
    throw Object.assign(new Error(`${new URL(url).host} answered ${response.status} ${detail}`.trim()), {
      status: response.status,
    });
  }
  const parsed = schema.safeParse(await response.json());
  if (!parsed.success) throw new Error(`${new URL(url).host} answered in an unexpected shape`);
  return parsed.data;
}
