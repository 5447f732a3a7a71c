import type { ResearchProvider } from "./types.ts";

/** The URLs the creator gave: read first, in their order. */
export const creatorUrlsProvider: ResearchProvider = {
  id: "creator",
  name: "your URLs",
  web: false,
  async search({ request }) {
    return request.urls.map((url) => ({ url, title: url, snippet: "", origin: "creator" as const }));
  },
};
