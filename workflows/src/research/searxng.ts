import { z } from "zod";
import { fetchJson } from "./http-json.ts";
import type { ResearchProvider } from "./types.ts";

const answerSchema = z.object({
  results: z.array(z.object({ url: z.string(), title: z.string().default(""), content: z.string().default("") })),
});

/** A self-hosted SearXNG with `format=json` enabled in its settings. */
export function searxngProvider(options: { baseUrl: string; timeoutMs: number; limit?: number }): ResearchProvider {
  return {
    id: "searxng",
    name: "SearXNG",
    web: true,
    async search({ request, signal }) {
      const url = new URL("search", options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`);
      url.search = new URLSearchParams({ q: request.topic, format: "json", language: request.language }).toString();
      const answer = await fetchJson(url.href, answerSchema, { signal, timeoutMs: options.timeoutMs });
      return answer.results.slice(0, options.limit ?? 6).map((result) => ({
        url: result.url,
        title: result.title || result.url,
        snippet: result.content,
        origin: "searxng" as const,
      }));
    },
  };
}
