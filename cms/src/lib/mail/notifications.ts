import type { Locale } from "@inkstone/config";
import type { Core } from "@strapi/strapi";
import type { Knex } from "knex";
import { env } from "../../env.ts";
import { type Account, accountOf, communityPage, nameOf, verified } from "../accounts/members.ts";
import { type Chore, startChore } from "../chore.ts";
import { log } from "../log.ts";
import type { NotificationKind } from "../notify.ts";
import { mails, notificationText } from "./messages.ts";
import { kickMailer, queueMail } from "./outbox.ts";
import { categoryOf, kindsOf, MAIL_CATEGORIES, type MailCategory, mailSettingsOf } from "./settings.ts";
import { type UnsubscribeScope, unsubscribeToken } from "./unsubscribe.ts";

/**
 * Notifications by mail, as each member chose per category: at once, in a daily digest, or never. Only confirmed
 * addresses get them (an unconfirmed one may not be the member's), and never a blocked member.
 */

const PROFILE = "api::profile.profile";
const DIGEST_BATCH = 100;

/** The member behind profile `profileId`, when they may be mailed. */
async function mailableMember(strapi: Core.Strapi, profileId: number): Promise<Account | null> {
  // db.query: the profile's private link to its account, which the Document Service does not populate.
  const profile = (await strapi.db.query(PROFILE).findOne({ where: { id: profileId }, populate: { user: true } })) as {
    user?: { id: number } | null;
  } | null;
  const account = profile?.user ? await accountOf(strapi, { id: profile.user.id }) : null;
  return account && verified(account) && !account.blocked ? account : null;
}

/** The footer links and RFC 8058 headers of a mail the member may stop. */
function unsubscribing(userId: string, locale: Locale, scope: UnsubscribeScope) {
  const token = unsubscribeToken(userId, scope);
  const oneClick = new URL(`${env().COMMUNITY_URL}/api/mail/unsubscribe`);
  oneClick.searchParams.set("token", token);
  return {
    links: {
      settings: `${communityPage(locale, "settings")}#mail`,
      unsubscribe: communityPage(locale, "unsubscribe", token),
    },
    headers: { "List-Unsubscribe": `<${oneClick}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
  };
}

/** Where a notification's mail leads: a review decision to the creator's studio, the rest to their notifications. */
const pageOf = (kind: NotificationKind) => (categoryOf(kind) === "reviews" ? "studio" : "notifications");

/** Mails a notification just recorded, when its member wants that category at once. Joins the caller's transaction. */
export async function mailNotification(
  strapi: Core.Strapi,
  notification: { recipientId: number; kind: NotificationKind; message: string; articleTitle?: string },
): Promise<void> {
  const category = categoryOf(notification.kind);
  if (!category) return;
  const account = await mailableMember(strapi, notification.recipientId);
  if (!account) return;
  await strapi.db.transaction(async ({ trx, onCommit }) => {
    const settings = await mailSettingsOf(trx, account.documentId);
    if (settings[category] !== "immediate") return;
    const { links, headers } = unsubscribing(account.documentId, settings.locale, category);
    const url = communityPage(settings.locale, pageOf(notification.kind));
    await queueMail(trx, {
      ...mails.notification(
        settings.locale,
        nameOf(account),
        notificationText(settings.locale, notification),
        url,
        links,
      ),
      kind: `notification:${notification.kind}`,
      to: account.email,
      userId: account.documentId,
      headers,
    });
    onCommit(kickMailer);
  });
}

type DueRow = { user_id: string; digest_through: Date } & Record<MailCategory, string>;

/** Sends every digest that is due (a day after the member's last one), each with the unread notifications since. */
async function sendDueDigests(strapi: Core.Strapi): Promise<number> {
  const db = strapi.db.connection;
  let sent = 0;
  await db.transaction(async (trx) => {
    const due = (await trx("mail_settings")
      .where("digest_through", "<", trx.raw("now() - interval '24 hours'"))
      .where((q) => {
        for (const category of MAIL_CATEGORIES) q.orWhere(category, "daily");
      })
      .orderBy("digest_through")
      .limit(DIGEST_BATCH)
      .forUpdate()
      .skipLocked()) as DueRow[];
    for (const row of due) if (await digestFor(strapi, trx, row)) sent++;
  });
  if (sent) kickMailer();
  return sent;
}

async function digestFor(strapi: Core.Strapi, trx: Knex.Transaction, row: DueRow): Promise<boolean> {
  const kinds = MAIL_CATEGORIES.filter((category) => row[category] === "daily").flatMap(kindsOf);
  // A review decision's message is the editor's note: the article's title comes from its draft row.
  const { rows } = await trx.raw<{
    rows: { kind: NotificationKind; message: string; profile_id: number; article_title: string | null }[];
  }>(
    `SELECT n.kind, n.message, nr.profile_id,
       (SELECT a.title FROM articles a WHERE a.document_id = n.article_document_id AND a.locale = n.article_locale
        ORDER BY a.published_at DESC NULLS FIRST LIMIT 1) AS article_title
     FROM notifications n
       JOIN notifications_recipient_lnk nr ON nr.notification_id = n.id
       JOIN profiles_user_lnk pu ON pu.profile_id = nr.profile_id
       JOIN up_users u ON u.id = pu.user_id
     WHERE u.document_id = :userId AND n.read = false AND n.kind = ANY(:kinds) AND n.created_at > :since
     ORDER BY n.created_at DESC, n.id DESC LIMIT 50`,
    { userId: row.user_id, kinds, since: row.digest_through },
  );
  await trx("mail_settings").where({ user_id: row.user_id }).update({ digest_through: trx.fn.now() });
  const profileId = rows[0]?.profile_id;
  const account = profileId === undefined ? null : await mailableMember(strapi, profileId);
  if (!account) return false;
  const settings = await mailSettingsOf(trx, row.user_id);
  const { links, headers } = unsubscribing(row.user_id, settings.locale, "all");
  const all = communityPage(settings.locale, "notifications");
  const items = rows.map((n) => {
    const { line, note } = notificationText(settings.locale, { ...n, articleTitle: n.article_title });
    return { text: note ? `${line}: ${note.length > 200 ? `${note.slice(0, 199)}…` : note}` : line, url: all };
  });
  await queueMail(trx, {
    ...mails.digest(settings.locale, nameOf(account), items, all, links),
    kind: "digest",
    to: account.email,
    userId: row.user_id,
    headers,
  });
  return true;
}

let chore: Chore | undefined;

/** Looks for due digests every MAIL_DIGEST_CHECK_SECONDS. */
export function startDigests(strapi: Core.Strapi): void {
  chore = startChore("Mail digests", env().MAIL_DIGEST_CHECK_SECONDS * 1000, async () => {
    const sent = await sendDueDigests(strapi);
    if (sent) log().info({ sent }, "Mail digests: queued.");
  });
}

export async function stopDigests(): Promise<void> {
  await chore?.stop();
  chore = undefined;
}
