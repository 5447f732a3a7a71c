// The generation queue's two numbers (ARCHITECTURE.md, "Performance targets"), on a Temporal dev server of its own started
// the way the launcher starts it (one task queue partition):
//   - queue-list latency with 100 runs queued (target < 100 ms): the community's /queue view, one visibility call
//     each time (the client's 300 ms shared snapshot is bypassed);
//   - time from a slot freeing to the next run starting (target < 1 s), over runs handed on through 2 slots.
// The pipeline is the real activity and workflow; only its writer and the CMS are in-process fakes, so the numbers
// measure the queue, not a model. Run: node bench/queue/index.ts
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@inkstone/config/logger";
import { Client, Connection } from "@temporalio/client";
import { DefaultLogger, NativeConnection, Runtime } from "@temporalio/worker";
import { startTemporal } from "../../scripts/stack/temporal.ts";
import { freePort } from "../../scripts/stack/wait.ts";
import { extractiveComposer } from "../../workflows/src/ask/extractive.ts";
import { createGenerationClient, type RunQueueEntry } from "../../workflows/src/client.ts";
import { createWorker } from "../../workflows/src/create-worker.ts";
import { createMetrics } from "../../workflows/src/metrics/metrics.ts";
import { encryptedDataConverter } from "../../workflows/src/temporal/encryption-codec.ts";
import type { Writer } from "../../workflows/src/writer/types.ts";
import { ms, percentile, timeSequential } from "../stats.ts";

const QUEUED = 100;
const HANDOFFS = 30;
const SLOTS = 2;
const TASK_QUEUE = "bench-generation";
// Runs are encrypted in Temporal as in production, so the numbers include the codec.
const CODEC_KEYS = [{ id: "bench", key: randomBytes(32).toString("base64") }];

Runtime.install({ logger: new DefaultLogger("WARN") });
const dir = mkdtempSync(join(tmpdir(), "inkstone-bench-queue-"));
const port = await freePort();
console.log("Starting a Temporal dev server (one task queue partition)…");
const temporal = await startTemporal({ dataDir: dir, port, logDir: join(dir, "logs") });
const address = `127.0.0.1:${port}`;
const client = await createGenerationClient({
  address,
  namespace: "default",
  taskQueue: TASK_QUEUE,
  codecKeys: CODEC_KEYS,
});
try {
  // 1. Start a 2-slot worker whose first two runs hold their slots until released, then queue 100 more behind them.
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const { worker, finish } = await startWorker(address, gate);
  const running = worker.run();
  console.log(`Queueing ${QUEUED} runs behind ${SLOTS} that hold the worker's slots…`);
  const ids: string[] = [];
  const submits: number[] = [];
  for (let i = 0; i < QUEUED + SLOTS; i++) {
    const started = performance.now();
    const input = {
      creatorId: `bench${i}`,
      topic: `Benchmark run ${i}`,
      language: "en" as const,
      references: "Notes.",
    };
    ids.push(await client.start({ ...input, webSearch: false }, { quota: 10 }));
    submits.push(performance.now() - started);
  }
  submits.sort((a, b) => a - b);
  // Visibility trails the runs by a moment: wait until it lists all of them, then check the order.
  let queued: RunQueueEntry[] = [];
  for (let tries = 0; queued.length !== QUEUED && tries < 50; tries++) {
    if (tries) await new Promise((resolve) => setTimeout(resolve, 100));
    queued = (await client.listQueue({ maxAgeMs: 0 })).filter(
      (entry): entry is RunQueueEntry => entry.kind === "run" && entry.status === "queued",
    );
  }
  const misplaced = queued.findIndex((entry, i) => entry.runId !== ids[i + SLOTS] || entry.position !== i + 1);
  if (queued.length !== QUEUED || misplaced >= 0)
    throw new Error(
      `the queue lists ${queued.length} runs, first out of submit order at ${misplaced}: ` +
        JSON.stringify(queued.slice(Math.max(0, misplaced - 2), misplaced + 3)),
    );

  // 2. The /queue view's latency with 100 runs queued.
  console.log("Timing the queue list…");
  const listing = await timeSequential(() => client.listQueue({ maxAgeMs: 0 }), 100, 10);

  // 3. Release the slots: runs take them one after another.
  console.log(`Releasing the slots; ${HANDOFFS} runs take them in turn…`);
  release();
  const done = await waitForDone(client, ids.slice(0, HANDOFFS));
  const order = [...done.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => ids.indexOf(id));
  if (order.some((index, i) => index !== i)) throw new Error(`runs started out of submit order: ${order.join(",")}`);
  const handoffs = await slotHandoffs(address, ids.slice(0, HANDOFFS), done);
  console.log(`Cancelling the other ${ids.length - HANDOFFS} runs…`);
  for (const id of ids.slice(HANDOFFS)) await client.cancel(id, { actorId: "bench", isEditor: true });
  worker.shutdown();
  await running;
  await finish();

  const list95 = percentile(listing, 95);
  const hand95 = percentile(handoffs, 95);
  console.log(
    `\n${QUEUED} runs queued (start: P50 ${ms(percentile(submits, 50))}, P95 ${ms(percentile(submits, 95))})`,
  );
  console.log(
    `  queue list, 100 calls, each a visibility query  P50 ${ms(percentile(listing, 50))}  P95 ${ms(list95)}  max ${ms(Math.max(...listing))}`,
  );
  console.log(`  target P95 < 100 ms: ${list95 < 100 ? "met" : "NOT met"}`);
  console.log(
    `\n${handoffs.length} slot handoffs on a ${SLOTS}-slot worker, in submit order (slot freed → next pipeline running)`,
  );
  console.log(`  P50 ${ms(percentile(handoffs, 50))}  P95 ${ms(hand95)}  max ${ms(Math.max(...handoffs))}`);
  console.log(`  target < 1 s: ${Math.max(...handoffs) < 1000 ? "met" : "NOT met"}`);
} finally {
  await client.close();
  await temporal.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** A worker running the real workflow and activity, with a fast fake writer and an in-memory CMS. */
async function startWorker(address: string, gate: Promise<void>) {
  const connection = await NativeConnection.connect({ address });
  const clientConnection = await Connection.connect({ address });
  let documents = 0;
  const writer: Writer = {
    offline: false,
    models: ["bench"],
    outline: async (context) => ({
      title: context.request.topic,
      summary: "",
      tags: [],
      sections: [{ heading: "Only section", points: [], sources: [] }],
    }),
    section: async (context) => {
      if (/^Benchmark run [01]$/.test(context.request.topic)) await gate;
      await new Promise((resolve) => setTimeout(resolve, 100));
      return "Text.";
    },
  };
  const worker = await createWorker({
    connection,
    namespace: "default",
    taskQueue: TASK_QUEUE,
    concurrency: SLOTS,
    codecKeys: CODEC_KEYS,
    activities: {
      // Only runs go through this bench: the answers' dependencies are never reached.
      ask: {
        articles: { find: async () => ({ found: [], unreadable: 0 }) },
        composer: extractiveComposer(),
        communityUrl: "http://127.0.0.1:9",
        webhookSecret: "bench",
      },
      workerId: "bench",
      logger: createLogger("bench", { level: "warn" }),
      temporal: new Client({ connection: clientConnection, dataConverter: encryptedDataConverter(CODEC_KEYS) }),
      metrics: createMetrics({ slots: SLOTS }),
      cms: {
        creatorStatus: async () => ({ blocked: false }),
        saveDraft: async (_runId, draft) => ({ documentId: `d${++documents}`, locale: draft.locale, created: true }),
        reportFailure: async () => {},
        answer: async () => {
          throw new Error("the queue bench runs no answers");
        },
        updateAnswer: async () => {
          throw new Error("the queue bench runs no answers");
        },
      },
      providers: [],
      fetcher: {
        fetchPage: () => Promise.reject(new Error("no web in the benchmark")),
      },
      readConcurrency: 1,
      maxSources: 1,
      writerFor: () => writer,
    },
  });
  return {
    worker,
    finish: async () => {
      await clientConnection.close();
      await connection.close();
    },
  };
}

async function waitForDone(
  generation: Awaited<ReturnType<typeof createGenerationClient>>,
  ids: string[],
): Promise<Map<string, number>> {
  const startedAt = new Map<string, number>();
  const deadline = Date.now() + 120_000;
  for (const id of ids) {
    for (;;) {
      const view = await generation.getRun(id);
      if (view.status === "done" && view.startedAt) {
        startedAt.set(id, Date.parse(view.startedAt));
        break;
      }
      if (view.status === "failed" || view.status === "cancelled")
        throw new Error(`${id} ended ${view.status}: ${view.error}`);
      if (Date.now() > deadline) throw new Error(`${id} did not finish`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return startedAt;
}

/**
 * For each run that took a slot freed by another: its pipeline's start (reported by the activity) minus the moment
 * the slot was freed (the previous holder's ActivityTaskCompleted, recorded by the server). Slots free in the order
 * of completions, and the k-th run after the first two takes the k-th freed slot.
 */
async function slotHandoffs(address: string, ids: string[], startedAt: Map<string, number>): Promise<number[]> {
  const connection = await Connection.connect({ address });
  try {
    const completed: number[] = [];
    for (const id of ids) {
      const { history } = await connection.workflowService.getWorkflowExecutionHistory({
        namespace: "default",
        execution: { workflowId: id },
      });
      const event = history?.events?.find((e) => e.activityTaskCompletedEventAttributes);
      const seconds = Number(event?.eventTime?.seconds ?? 0);
      completed.push(seconds * 1000 + Math.floor((event?.eventTime?.nanos ?? 0) / 1e6));
    }
    completed.sort((a, b) => a - b);
    const starts = ids.map((id) => startedAt.get(id) ?? 0).sort((a, b) => a - b);
    return starts
      .slice(SLOTS)
      .map((start, k) => start - (completed[k] ?? 0))
      .sort((a, b) => a - b);
  } finally {
    await connection.close();
  }
}
