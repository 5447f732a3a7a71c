import type { Core } from "@strapi/strapi";

export type NotificationKind =
  | "comment_on_article"
  | "reply_to_comment"
  | "new_follower"
  | "article_published"
  | "generation_finished"
  | "generation_failed";

export type NewNotification = {
  /** Profile ids (database ids). */
  recipientId: number;
  actorId?: number | null;
  kind: NotificationKind;
  articleDocumentId?: string;
  articleLocale?: string;
  commentId?: number;
  runId?: string;
  message: string;
};

/** Records a notification for its recipient; nobody is notified of their own action. */
export async function notify(strapi: Core.Strapi, notification: NewNotification): Promise<void> {
  if (notification.actorId && notification.actorId === notification.recipientId) return;
  await strapi.db.query("api::notification.notification").create({
    data: {
      recipient: notification.recipientId,
      actor: notification.actorId ?? null,
      kind: notification.kind,
      articleDocumentId: notification.articleDocumentId ?? null,
      articleLocale: notification.articleLocale ?? null,
      commentId: notification.commentId ?? null,
      runId: notification.runId ?? null,
      message: notification.message.slice(0, 500),
      read: false,
      publishedAt: new Date(),
    },
  });
}
