import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ChatObserver } from "../llm/chat.ts";
import { costUsd } from "../llm/pricing.ts";

export type MetricsOptions = {
  slots: number;
  /** Counts runs and answers waiting for a slot on this worker's task queue (visibility); called on each scrape. */
  queueDepth?: () => Promise<number>;
};

/** The worker's Prometheus metrics: slots, queue, time in queue, stage durations, failures, LLM usage. */
export function createMetrics(options: MetricsOptions) {
  const registry = new Registry();
  const registers = [registry];
  const metrics = {
    registry,
    slots: new Gauge({ name: "inkstone_generation_slots", help: "Generation slots on this worker.", registers }),
    activeSlots: new Gauge({
      name: "inkstone_generation_active_slots",
      help: "Generation slots in use on this worker (runs and answers).",
      registers,
    }),
    queueDepth: new Gauge({
      name: "inkstone_generation_queue_depth",
      help: "Runs and answers waiting for a slot on this task queue (all workers).",
      registers,
      async collect() {
        if (!options.queueDepth) return;
        try {
          this.set(await options.queueDepth());
        } catch {
          // Temporal unreachable: keep the last value rather than failing the scrape.
        }
      },
    }),
    queueSeconds: new Histogram({
      name: "inkstone_generation_queue_seconds",
      help: "Time a run waited in the queue before taking a slot.",
      buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
      registers,
    }),
    stageSeconds: new Histogram({
      name: "inkstone_generation_stage_seconds",
      help: "Time spent in each pipeline stage.",
      labelNames: ["stage"],
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
      registers,
    }),
    runSeconds: new Histogram({
      name: "inkstone_generation_run_seconds",
      help: "Time from taking a slot to the saved draft (one attempt).",
      buckets: [1, 5, 10, 30, 60, 120, 300, 600, 1200, 3600],
      registers,
    }),
    outcomes: new Counter({
      name: "inkstone_generation_attempts_total",
      help: "Pipeline attempts by outcome (done, failed, retry, cancelled).",
      labelNames: ["outcome"],
      registers,
    }),
    failures: new Counter({
      name: "inkstone_generation_failures_total",
      help: "Pipeline attempts that failed, by kind (a retried attempt counts too).",
      labelNames: ["kind", "retryable"],
      registers,
    }),
    llmTokens: new Counter({
      name: "inkstone_llm_tokens_total",
      help: "Language-model tokens, by model and direction.",
      labelNames: ["model", "direction"],
      registers,
    }),
    llmRequests: new Counter({
      name: "inkstone_llm_requests_total",
      help: "Calls to a language model, by model and outcome (ok, or the kind of failure: rate-limited, server, unreachable, stalled, protocol, rejected).",
      labelNames: ["model", "outcome"],
      registers,
    }),
    llmRetries: new Counter({
      name: "inkstone_llm_retries_total",
      help: "Calls to a language model tried again, by model and the kind of failure.",
      labelNames: ["model", "kind"],
      registers,
    }),
    llmSeconds: new Histogram({
      name: "inkstone_llm_request_seconds",
      help: "Time a call to a language model took (to its last token, or its failure), by model.",
      labelNames: ["model"],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
      registers,
    }),
    llmCostUsd: new Counter({
      name: "inkstone_llm_cost_usd_total",
      help: "Language-model spend in USD (0 for models without a known price).",
      labelNames: ["model"],
      registers,
    }),
  };
  metrics.slots.set(options.slots);
  return metrics;
}

export type GenerationMetrics = ReturnType<typeof createMetrics>;

/** The chat's observer that counts into `metrics`: requests by outcome, retries by kind, latency by model. */
export function chatObserver(metrics: GenerationMetrics): ChatObserver {
  return {
    request(model, outcome, seconds) {
      metrics.llmRequests.inc({ model, outcome });
      metrics.llmSeconds.observe({ model }, seconds);
    },
    retry(model, kind) {
      metrics.llmRetries.inc({ model, kind });
    },
  };
}

/** Counts one completion's tokens and cost (when `metrics` are kept); returns its cost in USD. */
export function recordLlmUsage(
  metrics: GenerationMetrics | undefined,
  usage: { model: string; promptTokens: number; completionTokens: number },
): number {
  const cost = costUsd(usage.model, usage.promptTokens, usage.completionTokens);
  metrics?.llmTokens.inc({ model: usage.model, direction: "prompt" }, usage.promptTokens);
  metrics?.llmTokens.inc({ model: usage.model, direction: "completion" }, usage.completionTokens);
  metrics?.llmCostUsd.inc({ model: usage.model }, cost);
  return cost;
}
