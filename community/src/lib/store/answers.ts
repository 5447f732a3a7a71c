import { type AnswerEvent, answerEventSchema, type Cursor } from "../ask/events.ts";
import { logger } from "../log.ts";
import { type Store, store, storeQuery } from "./pool.ts";
import { announce } from "./replica.ts";

/**
 * The events of answers being written, as the worker pushed them, in the shared store (`answer_events`): whichever
 * replica gets a push stores it and announces it on the change channel, and whichever replica holds the member's
 * stream reads it from here, in order. Only an answer's latest attempt is kept (a retried activity starts again from
 * seq 1), and an answer's events go 10 minutes after it ended: by then its page reads the answer from the CMS.
 */

/** How long an ended answer's events stay, for a stream that reconnects after the end. */
export const ENDED_KEPT_MS = 10 * 60_000;
/** Events of an answer whose end never came (its worker gone, the community unreachable meanwhile) go after this. */
export const ABANDONED_KEPT_MS = 24 * 3600_000;

export type StoredEvent = { attempt: number; seq: number; event: AnswerEvent };

/** What a push did: stored, already there (a retry), or from an attempt older than one already stored (dropped). */
export type Recorded = "stored" | "duplicate" | "superseded";

/**
 * One statement: drops the answer's older attempts, and stores the event unless a newer attempt is already there
 * (the older attempt's late pushes are dropped).
 */
const ADD = `
WITH newest AS (
  SELECT coalesce(max(attempt), 0) AS attempt FROM answer_events WHERE answer_id = $1
), older AS (
  DELETE FROM answer_events WHERE answer_id = $1 AND attempt < $2
), stored AS (
  INSERT INTO answer_events (answer_id, attempt, seq, body, at)
  SELECT $1, $2, $3, $4::jsonb, to_timestamp($5::float8 / 1000) FROM newest WHERE $2 >= newest.attempt
  ON CONFLICT (answer_id, attempt, seq) DO NOTHING
  RETURNING 1
)
SELECT (SELECT count(*) FROM stored)::int AS stored, (SELECT attempt FROM newest) AS newest`;

/** The latest attempt's events after `seq` (all of them when the cursor is in another attempt), in order. */
const AFTER = `
SELECT attempt, seq, body FROM answer_events
WHERE answer_id = $1
  AND attempt = (SELECT max(attempt) FROM answer_events WHERE answer_id = $1)
  AND (attempt <> $2 OR seq > $3)
ORDER BY seq`;

const PRUNE = `
DELETE FROM answer_events
WHERE answer_id IN (
  SELECT answer_id FROM answer_events WHERE body->>'type' = 'end' AND at < to_timestamp($1::float8 / 1000)
) OR at < to_timestamp($2::float8 / 1000)`;

export class AnswerEvents {
  readonly #store: () => Store;
  readonly #now: () => number;

  constructor({ store, now = () => Date.now() }: { store: () => Store; now?: () => number }) {
    this.#store = store;
    this.#now = now;
  }

  /** Stores one pushed event (an end also prunes what has ended long enough ago). Throws StoreUnavailable. */
  async add(event: AnswerEvent): Promise<Recorded> {
    const { rows } = await storeQuery<{ stored: number; newest: number }>(this.#store(), ADD, [
      event.answerId,
      event.attempt,
      event.seq,
      JSON.stringify(event),
      this.#now(),
    ]);
    const row = rows[0];
    const recorded: Recorded = row?.stored ? "stored" : (row?.newest ?? 0) > event.attempt ? "superseded" : "duplicate";
    if (recorded === "stored" && event.type === "end")
      await this.prune().catch((error: unknown) =>
        logger().warn({ err: error }, "community store: pruning ended answers' events failed; the next end retries"),
      );
    return recorded;
  }

  /**
   * The answer's latest attempt and its events after `cursor` (every one of them when `cursor` is in another
   * attempt); undefined when nothing of the answer is stored.
   */
  async after(answerId: string, cursor: Cursor): Promise<{ attempt: number; events: StoredEvent[] } | undefined> {
    const { rows } = await storeQuery<{ attempt: number; seq: number; body: unknown }>(this.#store(), AFTER, [
      answerId,
      cursor.attempt,
      cursor.seq,
    ]);
    if (rows.length === 0) return undefined;
    const events = rows.flatMap((row) => {
      const parsed = answerEventSchema.safeParse(row.body);
      return parsed.success ? [{ attempt: row.attempt, seq: row.seq, event: parsed.data }] : [];
    });
    return { attempt: rows[0]?.attempt ?? 0, events };
  }

  /** Forgets answers that ended over ENDED_KEPT_MS ago, and any event older than ABANDONED_KEPT_MS; returns how many. */
  async prune(): Promise<number> {
    const now = this.#now();
    const { rowCount } = await storeQuery(this.#store(), PRUNE, [now - ENDED_KEPT_MS, now - ABANDONED_KEPT_MS]);
    return rowCount ?? 0;
  }
}

export const answerEvents = new AnswerEvents({ store });

/**
 * Stores a pushed event and tells every replica (this one first) that the answer has news, so the stream holding it
 * reads it at once. The announcement failing is not the push's failure: streams poll the store too.
 */
export async function recordAnswerEvent(event: AnswerEvent): Promise<Recorded> {
  const recorded = await answerEvents.add(event);
  if (recorded === "stored") await announce({ kind: "answer", answerId: event.answerId });
  return recorded;
}

/** The text the latest attempt has pushed so far, and where a stream should go on from; undefined when none. */
export async function textSoFar(answerId: string): Promise<{ cursor: Cursor; text: string } | undefined> {
  const stored = await answerEvents.after(answerId, { attempt: 0, seq: 0 });
  if (!stored || stored.events.length === 0) return undefined;
  let text = "";
  let cursor: Cursor = { attempt: stored.attempt, seq: 0 };
  for (const { seq, event } of stored.events) {
    // An ended answer is the CMS's to show: its page reads it from there.
    if (event.type === "end") return undefined;
    text += event.text;
    cursor = { attempt: stored.attempt, seq };
  }
  return { cursor, text };
}
