import { randomUUID } from "node:crypto";
import { DOCUMENT_ID_PATTERN } from "@inkstone/config";
import pg from "pg";
import { z } from "zod";
import { logger } from "../log.ts";
import { type Store, storeQuery } from "./pool.ts";

/**
 * What one replica tells every replica (itself included) to forget, over PostgreSQL's LISTEN/NOTIFY on the shared
 * store: cached pages and data carrying `tags` (a CMS change, a member's comment), cached sessions (sign-out, a
 * block), a member's cached personal state (they acted); and that an answer being written has a new event. A replica
 * applies its own messages at once, before answering, so its member reads their own writes; the others get them
 * within milliseconds.
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
  // An event of an answer being written was stored: the replica streaming it to its member reads it (./answers.ts).
  z.object({ kind: z.literal("answer"), answerId: z.string().regex(DOCUMENT_ID_PATTERN) }),
]);
export type BusMessage = z.infer<typeof busMessageSchema>;

const CHANNEL = "inkstone_community";
const envelopeSchema = z.object({ from: z.string(), seq: z.number().int().positive(), message: busMessageSchema });

/** One statement: the announcement's number, and the notification carrying it. */
const PUBLISH = `
SELECT s.seq, pg_notify($1, json_build_object('from', $2::text, 'seq', s.seq, 'message', $3::json)::text)
FROM (SELECT nextval('community_changes') AS seq) s`;

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
 *
 * Every announcement is numbered (a sequence in the store). `applied` is the highest number this replica has acted
 * on; a member whose action was announced as number N carries N back (src/middleware/replica.ts), and a replica
 * behind N waits for it (`caughtUp`) before answering them, so they read their own writes on any replica.
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
  #applied = 0;
  readonly #waiting = new Set<{ seq: number; done: (ok: boolean) => void }>();

  constructor(options: { url: string; store: () => Store; handlers: BusHandlers }) {
    this.#url = options.url;
    this.#store = options.store;
    this.#handlers = options.handlers;
  }

  get connected(): boolean {
    return this.#connected;
  }

  /** The highest announcement number this replica has acted on. */
  get applied(): number {
    return this.#applied;
  }

  /** Resolves true once announcement `seq` has been acted on here, false if that takes longer than `timeoutMs`. */
  caughtUp(seq: number, timeoutMs: number): Promise<boolean> {
    if (seq <= this.#applied) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        seq,
        done: (ok: boolean) => {
          clearTimeout(timer);
          this.#waiting.delete(waiter);
          resolve(ok);
        },
      };
      const timer = setTimeout(() => waiter.done(false), timeoutMs);
      this.#waiting.add(waiter);
    });
  }

  #advance(seq: number): void {
    if (seq <= this.#applied) return;
    this.#applied = seq;
    for (const waiter of this.#waiting) if (waiter.seq <= seq) waiter.done(true);
  }

  /** Starts listening (once); resolves when listening or when the first attempt failed (retried in the background). */
  open(): Promise<void> {
    this.#opening ??= this.#connect();
    return this.#opening;
  }

  /**
   * Applies `message` here at once, then tells the other replicas; returns what applying it here dropped and the
   * announcement's number. Throws StoreUnavailable when the others cannot be told (it is applied here all the same).
   */
  async publish(message: BusMessage): Promise<{ dropped: number; seq: number }> {
    const dropped = this.#handlers.apply(message);
    const { rows } = await storeQuery<{ seq: string }>(this.#store(), PUBLISH, [
      CHANNEL,
      this.id,
      JSON.stringify(message),
    ]);
    const seq = Number(rows[0]?.seq);
    this.#advance(seq);
    return { dropped, seq };
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
    let latest = 0;
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      await this.#store().ready;
      const { rows } = await client.query<{ n: string }>(
        "SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n FROM community_changes",
      );
      latest = Number(rows[0]?.n ?? 0);
    } catch (error) {
      this.#lost(client, error as Error);
      return;
    }
    this.#retryMs = 250;
    this.#connected = true;
    // Whatever was cached before listening began may predate a change nobody could tell us about: it is all dropped,
    // which covers every announcement made so far.
    this.#handlers.reset();
    this.#advance(latest);
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
    this.#advance(envelope.data.seq);
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
