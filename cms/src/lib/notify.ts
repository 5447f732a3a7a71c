import type { Core } from "@strapi/strapi";
import { mailNotification } from "./mail/notifications.ts";

export type NotificationKind =
  | "comment_on_article"
  | "reply_to_comment"
  | "new_follower"
  | "article_published"
  | "generation_finished"
  | "generation_failed";

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
};

/** Records a notification for its recipient and mails it if they asked for that; nobody is notified of their own action. */
export async function notify(strapi: Core.Strapi, notification: NewNotification): Promise<void> {
  const recipient = Number(notification.recipientId);
  const actor = notification.actorId == null ? null : Number(notification.actorId);
  if (actor === recipient) return;
  await strapi.documents("api::notification.notification").create({
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
      read: false,
    },
  });
  await mailNotification(strapi, { recipientId: recipient, kind: notification.kind, message: notification.message });
}
