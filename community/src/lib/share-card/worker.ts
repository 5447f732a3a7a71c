import { parentPort } from "node:worker_threads";
import { drawCard } from "./draw.ts";
import type { CardText } from "./layout.ts";

/**
 * The share-card worker (started by ./render.ts): draws each card it is sent and sends the PNG back, its bytes
 * transferred rather than copied. Node runs this file from source, outside the server's bundle.
 */
export type CardRequest = { id: number; card: CardText };
export type CardReply = { id: number; png: Uint8Array<ArrayBuffer> } | { id: number; error: string };

const port = parentPort;
if (port)
  port.on("message", async ({ id, card }: CardRequest) => {
    try {
      const png = await drawCard(card);
      port.postMessage({ id, png } satisfies CardReply, [png.buffer]);
    } catch (error) {
      port.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  });
