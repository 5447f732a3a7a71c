import { z } from "zod";
import { fetchJson } from "./http-json.ts";
import type { ResearchProvider } from "./types.ts";

const answerSchema = z.object({
  organic: z
    .array(z.object({ link: z.string(), title: z.string().default(""), snippet: z.string().default("") }))
    .default([]),
});

/** Google results through serper.dev. */
export function serperProvider(options: {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  limit?: number;
}): ResearchProvider {
  return {
    id: "serper",
    name: "Serper",
    web: true,
    async search({ request, signal }) {
      const limit = options.limit ?? 6;
      const answer = await fetchJson(`${options.baseUrl.replace(/\/$/, "")}/search`, answerSchema, {
        method: "POST",
        headers: { "x-api-key": options.apiKey },
        body: { q: request.topic, num: limit, hl: request.language === "zh-CN" ? "zh-cn" : "en" },
        signal,
        timeoutMs: options.timeoutMs,
      });
      return answer.organic.slice(0, limit).map((result) => ({
        url: result.link,
        title: result.title || result.link,
        snippet: result.snippet,
        origin: "serper" as const,
      }));
    },
  };
}
