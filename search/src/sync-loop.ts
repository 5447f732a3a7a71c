import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from "./backoff.ts";
import type { ArticleIndex } from "./connection.ts";
import type { OutboxStore } from "./outbox-store.ts";
import { type DrainOptions, type DrainResult, drainOutbox } from "./sync.ts";

export type SyncEvent =
  | { type: "drained"; result: DrainResult }
  | { type: "paused" }
  /** A drain threw or left rows pending; the next try is in `retryInMs`. */
  | { type: "retrying"; error: unknown; failures: number; retryInMs: number };

export type SyncOptions = DrainOptions & {
  /** Pause between polls when the outbox is empty; `wake()` cuts it short. */
  idleMs?: number;
  /** Pause between polls while a reindex builds. */
  pausedMs?: number;
  backoff?: BackoffOptions;
  /** For structured logs: every drain that did something, and every failure. */
  onEvent?: (event: SyncEvent) => void;
};

export type SyncHandle = {
  /** Drain now instead of at the next poll (call after writing an outbox row); no effect while backing off. */
  wake(): void;
  /** Stops after the drain in progress, if any, has finished. */
  stop(): Promise<void>;
};

/** Keeps draining the outbox into the live index until stopped, backing off while Meilisearch is down. */
export function startSync(store: OutboxStore, index: ArticleIndex, options: SyncOptions = {}): SyncHandle {
  const { idleMs = 1000, pausedMs = 2000, backoff = DEFAULT_BACKOFF, onEvent = () => {} } = options;
  let stopped = false;
  let failures = 0;
  let wakeRequested = false;
  let interrupt: (() => void) | undefined;
  let interruptible = false;

  const sleep = (ms: number, canWake: boolean) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        interrupt = undefined;
        resolve();
      }
      interrupt = done;
      interruptible = canWake;
    });

  const emit = (event: SyncEvent) => {
    try {
      onEvent(event);
    } catch {
      // The callback only logs; one that throws must not stop the sync.
    }
  };

  const retry = (error: unknown) => {
    failures += 1;
    const delay = backoffDelay(failures, backoff);
    emit({ type: "retrying", error, failures, retryInMs: delay });
    return { delay, wakeable: false };
  };

  const loop = async () => {
    while (!stopped) {
      let delay: number;
      let wakeable = true;
      // Rows written before this point are seen by this drain's claim.
      wakeRequested = false;
      try {
        const result = await drainOutbox(store, index, options);
        if (result.status === "paused") emit({ type: "paused" });
        else if (result.status === "drained") emit({ type: "drained", result });
        if (result.failure?.retryable) {
          // Meilisearch or the store is unwell: the rows are pending again, retry them after a backoff.
          ({ delay, wakeable } = retry(result.failure));
        } else {
          failures = 0;
          // Rows refused for good stay pending (the store decides when to park them): they must neither
          // slow the others down with a backoff nor spin the loop, so they are retried at the idle pace.
          const more = result.status === "drained" && result.done > 0;
          delay = result.status === "paused" ? pausedMs : more ? 0 : idleMs;
        }
      } catch (error) {
        ({ delay, wakeable } = retry(error));
      }
      if (wakeable && wakeRequested) continue;
      if (!stopped && delay > 0) await sleep(delay, wakeable);
    }
  };
  const running = loop();

  return {
    wake() {
      wakeRequested = true;
      if (interruptible) interrupt?.();
    },
    async stop() {
      stopped = true;
      interrupt?.();
      await running;
    },
  };
}
