import { errorMessage } from "@inkstone/config/logger";
import type { Core } from "@strapi/strapi";
import type { Knex } from "knex";
import { env } from "../../env.ts";
import { type Chore, startChore } from "../chore.ts";
import { log } from "../log.ts";
import { mailEnabled } from "./transport.ts";

/**
 * Every mail Inkstone sends is first a row of `mail_outbox`, written in the same transaction as what it tells about
 * (a reset link, a notification), then sent by the mailer: at once after the commit, and again by a chore while the
 * SMTP server refuses. So a mail server that is down delays mail but loses none, and a rolled-back change sends none.
 */

const OUTBOX = "mail_outbox";
/** A row the mailer is sending stays locked; other CMS instances skip it (FOR UPDATE SKIP LOCKED). */
const BATCH = 50;
/** 30 s, 1 min, 2 min … capped at 6 h; after this many attempts the mail is given up (and logged). */
const MAX_ATTEMPTS = 10;
const RETRY_EVERY_MS = 30_000;
const KEEP_SENT = "7 days";

export type OutgoingMail = {
  /** The member it is for (their users-permissions document id), when it is for one. */
  userId?: string | null;
  /** What it is, for the log and the tests: `verify-email`, `password-reset`, `notification`, `digest`… */
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
};

/** Queues `mail` (inside `db`, the caller's transaction when there is one); the mailer sends it after the commit. */
export async function queueMail(db: Knex, mail: OutgoingMail): Promise<void> {
  if (!mailEnabled(env())) {
    log().warn({ kind: mail.kind }, "Mail: not sent, no SMTP_HOST is set.");
    return;
  }
  await db(OUTBOX).insert({
    user_id: mail.userId ?? null,
    kind: mail.kind,
    recipient: mail.to,
    subject: mail.subject.slice(0, 300),
    text_body: mail.text,
    html_body: mail.html,
    headers: JSON.stringify(mail.headers ?? {}),
  });
}

type Row = {
  id: string;
  kind: string;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string;
  /** jsonb, which Strapi's PostgreSQL driver settings hand back as text. */
  headers: Record<string, string> | string;
  attempts: number;
};

/** Sends the due mail one row at a time, each in its own transaction holding the row; returns how many went. */
async function drain(strapi: Core.Strapi): Promise<number> {
  const db = strapi.db.connection;
  let sent = 0;
  for (let i = 0; i < BATCH; i++) {
    const outcome = await db.transaction(async (trx) => {
      const row = (await trx(OUTBOX)
        .whereNull("sent_at")
        .whereNull("failed_at")
        .where("not_before", "<=", trx.fn.now())
        .orderBy("id")
        .forUpdate()
        .skipLocked()
        .first()) as Row | undefined;
      if (!row) return "empty";
      try {
        await strapi
          .plugin("email")
          .service("email")
          .send({
            to: row.recipient,
            subject: row.subject,
            text: row.text_body,
            html: row.html_body,
            headers: typeof row.headers === "string" ? JSON.parse(row.headers) : row.headers,
          });
        await trx(OUTBOX)
          .where({ id: row.id })
          .update({ sent_at: trx.fn.now(), attempts: row.attempts + 1 });
        log().info({ mailId: row.id, kind: row.kind }, "Mail: sent.");
        return "sent";
      } catch (error) {
        const attempts = row.attempts + 1;
        const giveUp = attempts >= MAX_ATTEMPTS;
        const delaySeconds = Math.min(6 * 3600, 30 * 2 ** (attempts - 1));
        await trx(OUTBOX)
          .where({ id: row.id })
          .update({
            attempts,
            last_error: errorMessage(error).slice(0, 1000),
            ...(giveUp
              ? { failed_at: trx.fn.now() }
              : { not_before: trx.raw(`now() + make_interval(secs => ?)`, [delaySeconds]) }),
          });
        log()[giveUp ? "error" : "warn"](
          { mailId: row.id, kind: row.kind, attempts, error: errorMessage(error) },
          giveUp ? "Mail: given up after repeated failures." : `Mail: not sent; trying again in ${delaySeconds} s.`,
        );
        return "failed";
      }
    });
    if (outcome === "empty") break;
    // A failure usually means the server is down: the rest waits for the next round rather than failing too.
    if (outcome === "failed") break;
    sent++;
  }
  return sent;
}

let chore: Chore | undefined;
let strapiRef: Core.Strapi | undefined;
let running: Promise<void> | undefined;
let again = false;

/** Sends what is due now, unless a round is under way (then that round goes once more). Never throws. */
export function kickMailer(): void {
  const strapi = strapiRef;
  if (!strapi) return;
  if (running) {
    again = true;
    return;
  }
  running = (async () => {
    do {
      again = false;
      await drain(strapi).catch((error: unknown) =>
        log().warn({ error: errorMessage(error) }, "Mail: the outbox could not be read; trying again soon."),
      );
    } while (again);
  })().finally(() => {
    running = undefined;
  });
}

/** Starts the mailer: it sends what is queued now and retries every 30 s. */
export function startMailer(strapi: Core.Strapi): void {
  strapiRef = strapi;
  if (!mailEnabled(env())) {
    log().warn("Mail: SMTP_HOST is not set, so no mail goes out (verification, password resets, notifications).");
    return;
  }
  chore = startChore("Mailer", RETRY_EVERY_MS, async () => kickMailer());
}

export async function stopMailer(): Promise<void> {
  await chore?.stop();
  chore = undefined;
  await running;
  strapiRef = undefined;
}

/** Deletes sent mail after a week (and mail given up on, which the log has already reported). */
export async function pruneSentMail(db: Knex): Promise<number> {
  return db(OUTBOX)
    .where((q) =>
      q
        .where("sent_at", "<", db.raw(`now() - interval '${KEEP_SENT}'`))
        .orWhere("failed_at", "<", db.raw(`now() - interval '${KEEP_SENT}'`)),
    )
    .delete();
}
