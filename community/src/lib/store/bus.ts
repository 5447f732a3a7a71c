import { randomUUID } from "node:crypto";
import pg from "pg";
import { z } from "zod";
import { logger } from "../log.ts";
import { type Store, storeQuery } from "./pool.ts";

/**
 * What one replica tells every replica (itself included) to forget, over PostgreSQL's LISTEN/NOTIFY on the shared
 * store: cached pages and data carrying `tags` (a CMS change, a member's comment), cached sessions (sign-out, a
 * block), a member's cached personal state (they acted). A replica applies its own messages at once, before
 * answering, so its member reads their own writes; the others get them within milliseconds.
 */
export const busMessageSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("tags"), tags: z.array(z.string().min(1).max(300)).max(100) }),
  z.object({
    kind: z.literal("sessions"),
    tokenHashes: z
      .array(z.string().regex(/^[0-9a-f]{64}$/))
      .max(100)
      .optional(),
    userId: z.string().min(1).max(100).optional(),
  }),
  z.object({ kind: z.literal("member"), userId: z.string().min(1).max(100) }),
]);
export type BusMessage = z.infer<typeof busMessageSchema>;

const CHANNEL = "inkstone_community";
const envelopeSchema = z.object({ from: z.string(), message: busMessageSchema });

export type BusHandlers = {
  /** Applies one message (from this replica or another); returns how many cached pages or entries it dropped. */
  apply(message: BusMessage): number;
  /**
   * The channel was down and is back (or first opened): messages may have been missed meanwhile, so forget whatever
   * they could have been about.
   */
  reset(): void;
};

/**
 * One replica's end of the channel: a dedicated connection that LISTENs, reconnecting with backoff when it drops.
 * While it is not listening, `connected` is false: callers must not trust what they cached for longer than a
 * request (sessions are then looked up every time).
 */
export class Bus {
  readonly id = randomUUID();
  readonly #url: string;
  readonly #store: () => Store;
  readonly #handlers: BusHandlers;
  #client: pg.Client | undefined;
  #opening: Promise<void> | undefined;
  #connected = false;
  #closed = false;
  #retryMs = 250;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: { url: string; store: () => Store; handlers: BusHandlers }) {
    this.#url = options.url;
    this.#store = options.store;
    this.#handlers = options.handlers;
  }

  get connected(): boolean {
    return this.#connected;
  }

  /** Starts listening (once); resolves when listening or when the first attempt failed (retried in the background). */
  open(): Promise<void> {
    this.#opening ??= this.#connect();
    return this.#opening;
  }

  /**
   * Applies `message` here at once, then tells the other replicas; returns what applying it here dropped. Throws
   * StoreUnavailable when the others cannot be told (it is applied here all the same).
   */
  async publish(message: BusMessage): Promise<number> {
    const dropped = this.#handlers.apply(message);
    const payload = JSON.stringify({ from: this.id, message });
    await storeQuery(this.#store(), "SELECT pg_notify($1, $2)", [CHANNEL, payload]);
    return dropped;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#connected = false;
    await this.#client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#url, connectionTimeoutMillis: 2000 });
    this.#client = client;
    client.on("notification", (note) => this.#receive(note.payload));
    client.on("error", (error) => this.#lost(client, error));
    client.on("end", () => this.#lost(client, new Error("connection ended")));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      this.#lost(client, error as Error);
      return;
    }
    this.#retryMs = 250;
    this.#connected = true;
    // Whatever was cached before listening began may predate a change nobody could tell us about.
    this.#handlers.reset();
    logger().info("community store: listening for changes from the other replicas");
  }

  #receive(payload: string | undefined): void {
    let json: unknown;
    try {
      json = JSON.parse(payload ?? "");
    } catch {
      // Only replicas write to this channel; anything else is noise to report, not to act on.
      logger().warn({ payload }, "community store: a message on the channel is not JSON; ignored");
      return;
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) {
      logger().warn({ payload }, "community store: a message on the channel has an unknown shape; ignored");
      return;
    }
    if (envelope.data.from !== this.id) this.#handlers.apply(envelope.data.message);
  }

  #lost(client: pg.Client, error: Error): void {
    if (client !== this.#client || this.#closed) return;
    this.#client = undefined;
    const was = this.#connected;
    this.#connected = false;
    client.end().catch(() => {});
    if (was) logger().warn({ err: error }, "community store: the change channel dropped; reconnecting");
    const wait = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, 10_000);
    this.#timer = setTimeout(() => {
      this.#opening = this.#connect();
    }, wait);
    this.#timer.unref();
  }
}
