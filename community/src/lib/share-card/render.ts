import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { CardText } from "./layout.ts";
import type { CardReply, CardRequest } from "./worker.ts";

/**
 * Share cards are drawn in one worker thread (./worker.ts), started at the first card: laying out and rasterising a
 * card is tens of milliseconds of CPU (a few hundred for the first, while fonts and the layout engine load), which
 * the server's event loop never spends. Here only a message goes out and the PNG's bytes come back.
 */

/** Cards waiting or being drawn; past this a card is refused at once (503) rather than queued behind a flood. */
const MAX_PENDING = 32;
/** A card not back by then means the worker is stuck: it is stopped, and the next card starts a fresh one. */
const DRAW_TIMEOUT_MS = 20_000;

/** Too many cards are being drawn already; asking again in a moment will do. */
export class CardsBusy extends Error {}

type Waiting = {
  resolve: (png: Uint8Array<ArrayBuffer>) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
};

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, Waiting>();

/**
 * The worker runs from source, outside the server's bundle: it is found from the community's own folder (the nearest
 * above this module, bundled or not, that holds it), so the built server, `astro dev` and the tests start the same
 * file.
 */
function workerFile(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, "src", "lib", "share-card", "worker.ts");
    if (existsSync(file)) return file;
  }
  throw new Error(`src/lib/share-card/worker.ts is not in any folder above ${fileURLToPath(import.meta.url)}`);
}

/** Fails every card in flight with `error` and lets the worker go; the next card starts a new one. */
function stop(stopped: Worker, error: Error): void {
  if (worker !== stopped) return;
  worker = undefined;
  for (const { reject, timer } of waiting.values()) {
    clearTimeout(timer);
    reject(error);
  }
  waiting.clear();
  void stopped.terminate();
}

function running(): Worker {
  if (worker) return worker;
  const started = new Worker(workerFile());
  started.on("message", (reply: CardReply) => {
    const card = waiting.get(reply.id);
    if (!card) return;
    waiting.delete(reply.id);
    clearTimeout(card.timer);
    if ("png" in reply) card.resolve(reply.png);
    else card.reject(new Error(`share card not drawn: ${reply.error}`));
  });
  started.on("error", (error) => stop(started, error));
  started.on("exit", (code) => stop(started, new Error(`the share-card worker exited (code ${code})`)));
  // A process with nothing else to do may exit; the worker does not hold it (after the listeners, which would).
  started.unref();
  worker = started;
  return started;
}

/** `card` as a 1200×630 PNG, drawn off the event loop; CardsBusy when too many are waiting already. */
export function renderCard(card: CardText): Promise<Uint8Array<ArrayBuffer>> {
  if (waiting.size >= MAX_PENDING) return Promise.reject(new CardsBusy("too many share cards are being drawn"));
  const drawing = running();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => stop(drawing, new Error(`no share card within ${DRAW_TIMEOUT_MS} ms`)),
      DRAW_TIMEOUT_MS,
    );
    waiting.set(id, { resolve, reject, timer });
    drawing.postMessage({ id, card } satisfies CardRequest);
  });
}
