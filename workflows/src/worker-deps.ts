import type { WorkerEnv } from "@inkstone/config";
import type { Logger } from "@inkstone/config/logger";
import type { Client } from "@temporalio/client";
import type { ActivityDeps } from "./activities/index.ts";
import { modelComposer } from "./ask/compose.ts";
import { extractiveComposer } from "./ask/extractive.ts";
import { createCmsClient } from "./cms/client.ts";
import { createPageFetcher } from "./fetch/guarded-fetch.ts";
import { createChat } from "./llm/chat.ts";
import type { GenerationMetrics } from "./metrics/metrics.ts";
import { chatObserver, recordLlmUsage } from "./metrics/metrics.ts";
import { communityArticles, communityProvider } from "./research/community.ts";
import { creatorUrlsProvider } from "./research/creator-urls.ts";
import { searxngProvider } from "./research/searxng.ts";
import { serperProvider } from "./research/serper.ts";
import type { ResearchProvider } from "./research/types.ts";
import { llmWriter } from "./writer/llm-writer.ts";
import { offlineWriter } from "./writer/offline-writer.ts";

export type WorkerDepsEnv = WorkerEnv;

export type WorkerParts = {
  /** Reaches the runs' workflows (progress signals); a client on its own connection. */
  temporal: Client;
  metrics: GenerationMetrics;
  /** Names this worker in run logs and its own log. */
  workerId: string;
  logger: Logger;
};

/** The activities' clients, built from the worker's environment; `close` releases the fetch agent. */
export function createWorkerDeps(env: WorkerDepsEnv, { temporal, metrics, workerId, logger }: WorkerParts) {
  const fetcher = createPageFetcher({
    allowPrivate: env.FETCH_ALLOW_PRIVATE,
    timeoutMs: env.FETCH_TIMEOUT_MS,
    maxBytes: env.FETCH_MAX_BYTES,
  });
  const timeoutMs = env.FETCH_TIMEOUT_MS;
  const cms = createCmsClient({ baseUrl: env.CMS_URL, token: env.CMS_WORKER_TOKEN });
  const community = {
    meiliUrl: env.MEILI_URL,
    searchKey: env.MEILI_SEARCH_KEY,
    indexPrefix: env.MEILI_INDEX_PREFIX,
    communityUrl: env.COMMUNITY_URL,
    cms,
    timeoutMs,
  };
  const providers: ResearchProvider[] = [creatorUrlsProvider, communityProvider(community)];
  if (env.SEARXNG_URL) providers.push(searxngProvider({ baseUrl: env.SEARXNG_URL, timeoutMs }));
  if (env.SERPER_API_KEY)
    providers.push(serperProvider({ baseUrl: env.SERPER_URL, apiKey: env.SERPER_API_KEY, timeoutMs }));
  const chat = env.OPENAI_API_KEY
    ? createChat({ baseURL: env.OPENAI_BASE_URL, apiKey: env.OPENAI_API_KEY, observer: chatObserver(metrics) })
    : undefined;

  const deps: ActivityDeps = {
    ask: {
      articles: communityArticles(community),
      composer: chat
        ? modelComposer(chat, env.OPENAI_MODEL, (usage) => recordLlmUsage(metrics, usage))
        : extractiveComposer(),
      communityUrl: env.COMMUNITY_INTERNAL_URL ?? env.COMMUNITY_URL,
      webhookSecret: env.COMMUNITY_WEBHOOK_SECRET,
    },
    workerId,
    logger,
    temporal,
    metrics,
    cms,
    providers,
    fetcher,
    readConcurrency: 4,
    maxSources: 16,
    writerFor: (request, onUsage) =>
      chat
        ? llmWriter({
            chat,
            outlineModel: request.model ?? env.OPENAI_OUTLINE_MODEL ?? env.OPENAI_MODEL,
            writeModel: request.model ?? env.OPENAI_WRITE_MODEL ?? env.OPENAI_MODEL,
            onUsage,
          })
        : offlineWriter(),
  };
  return { deps, close: () => fetcher.close() };
}
