import type { Core } from "@strapi/strapi";
import type { Knex } from "knex";
import { mailNotification } from "./mail/notifications.ts";

const NOTIFICATION = "api::notification.notification";

export type NotificationKind =
  | "comment_on_article"
  | "reply_to_comment"
  | "new_follower"
  /** Written until the studio: publishing now notifies `review_published`. Kept so older rows stay readable. */
  | "article_published"
  | "generation_finished"
  | "generation_failed"
  /** An editor asked for changes; `message` is their note. */
  | "review_changes_requested"
  /** An editor declined the article; `message` is their note. */
  | "review_declined"
  /** An editor published the article; `message` is its title. */
  | "review_published"
  /** Likes of one article grouped while unread: `count` likes, `actor` the latest liker. Never mailed. */
  | "article_liked";

/** A database id as Strapi types it (PostgreSQL always gives numbers). */
type Id = number | string;

export type NewNotification = {
  /** Profile ids (database ids). */
  recipientId: Id;
  actorId?: Id | null;
  kind: NotificationKind;
  articleDocumentId?: string;
  articleLocale?: string;
  commentId?: Id;
  runId?: string;
  message: string;
  /** The article's title when `message` is something else (an editor's note): the mail names the article by it. */
  articleTitle?: string;
};

/** Records a notification for its recipient and mails it if they asked for that; nobody is notified of their own action. */
export async function notify(strapi: Core.Strapi, notification: NewNotification): Promise<void> {
  const recipient = Number(notification.recipientId);
  const actor = notification.actorId == null ? null : Number(notification.actorId);
  if (actor === recipient) return;
  await strapi.documents(NOTIFICATION).create({
    // Relations by database id: the callers hold profiles' ids, and ids need no lookup.
    data: {
      recipient,
      actor,
      kind: notification.kind,
      articleDocumentId: notification.articleDocumentId ?? null,
      articleLocale: notification.articleLocale ?? null,
      commentId: notification.commentId == null ? null : Number(notification.commentId),
      runId: notification.runId ?? null,
      message: notification.message.slice(0, 500),
      count: 1,
      read: false,
    },
  });
  await mailNotification(strapi, {
    recipientId: recipient,
    kind: notification.kind,
    message: notification.message,
    articleTitle: notification.articleTitle,
  });
}

export type NewLike = {
  /** The article author's and the liker's profile ids. */
  authorId: Id;
  likerId: Id;
  articleDocumentId: string;
  articleLocale: string;
  title: string;
};

/**
 * A like, told to the article's author as one notification per article while it is unread: the unread one counts
 * one more and names this liker; once read, the next like starts a new one. Callers hold the article's lock
 * (counts.ts `lockArticle`) in `trx`, so two likes never both start a group; the count is incremented in SQL on
 * the row only while it is still unread, so a like that meets the author marking it read starts a new one instead
 * of joining a read one.
 */
export async function notifyLike(strapi: Core.Strapi, trx: Knex.Transaction, like: NewLike): Promise<void> {
  const recipient = Number(like.authorId);
  const actor = Number(like.likerId);
  if (actor === recipient) return;
  const [unread] = (await strapi.db.query(NOTIFICATION).findMany({
    where: {
      kind: "article_liked",
      articleDocumentId: like.articleDocumentId,
      read: false,
      recipient: { id: recipient },
    },
    select: ["id"],
    orderBy: { id: "desc" },
    limit: 1,
  })) as { id: number }[];
  if (unread) {
    // The group's time is its latest like's: the list shows it with the newest notifications.
    const { rows } = await trx.raw<{ rows: { id: number }[] }>(
      "UPDATE notifications SET count = coalesce(count, 1) + 1, created_at = now(), updated_at = now() WHERE id = ? AND read = false RETURNING id",
      [unread.id],
    );
    if (rows.length) {
      await strapi.db.query(NOTIFICATION).update({ where: { id: unread.id }, data: { actor } });
      return;
    }
  }
  await strapi.documents(NOTIFICATION).create({
    data: {
      recipient,
      actor,
      kind: "article_liked",
      articleDocumentId: like.articleDocumentId,
      articleLocale: like.articleLocale,
      message: like.title.slice(0, 500),
      count: 1,
      read: false,
    },
  });
}

/** Drops the notifications that point to comments that are gone (deleted by their author, an editor or an account deletion). */
export async function dropCommentNotifications(strapi: Core.Strapi, commentIds: readonly Id[]): Promise<void> {
  const ids = commentIds.map(Number).filter(Number.isInteger);
  if (!ids.length) return;
  // db.query: one DELETE for them all (their links go with them), where the Document Service deletes one at a time.
  await strapi.db.query(NOTIFICATION).deleteMany({ where: { commentId: { $in: ids } } });
}
