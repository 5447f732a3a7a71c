import { randomBytes } from "node:crypto";
import type { Core } from "@strapi/strapi";
import type { Knex } from "knex";
import { recount } from "../counts.ts";
import { log } from "../log.ts";
import { mails } from "../mail/messages.ts";
import { kickMailer, queueMail } from "../mail/outbox.ts";
import { mailSettingsOf } from "../mail/settings.ts";
import { endSessionsOf } from "../member-sessions.ts";
import { dropCommentNotifications } from "../notify.ts";
import { removeAvatar } from "../uploads/avatars.ts";
import { notifyCommunity } from "../webhook.ts";
import { dropLinksOf } from "./links.ts";
import { type Account, nameOf, passwordMatches, USER, wrongPassword } from "./members.ts";

/**
 * Deleting an account erases the member's personal data in one transaction: the account (so its address and password
 * hash) and its links, mail settings and unsent mail, their sessions, likes, bookmarks, follows (both ways),
 * notifications, conversations and unpublished drafts. What others read stays readable under an anonymous profile:
 * published articles (an editor may remove them) and — unless the member chose to remove them — comments, shown as
 * by a deleted member; removed comments take the notifications about them along. Once it commits, the community
 * hears of it, cancels the member's runs and drops its caches.
 */
export const DELETED_NAME = "Deleted member";

const ARTICLE = "api::article.article";
const PROFILE = "api::profile.profile";

export type CommentChoice = "keep" | "remove";

const articleIds = async (db: Knex, sql: string, profileId: number) =>
  ((await db.raw<{ rows: { id: string }[] }>(sql, [profileId])).rows ?? []).map((r) => r.id);

export async function deleteAccount(
  strapi: Core.Strapi,
  account: Account,
  input: { password: string; comments: CommentChoice },
): Promise<void> {
  if (!(await passwordMatches(strapi, account, input.password))) throw wrongPassword();
  const profile = account.profile;
  // The avatar's file goes first (it lives outside the database); a failure stops the deletion before anything else.
  if (profile) await removeAvatar(strapi, profile);
  const settings = await mailSettingsOf(strapi.db.connection, account.documentId);
  const changed = new Set<string>();
  await strapi.db.transaction(async ({ trx, onCommit }) => {
    await trx("mail_outbox").where({ user_id: account.documentId }).whereNull("sent_at").delete();
    await queueMail(trx, {
      ...mails.accountDeleted(settings.locale, nameOf(account)),
      kind: "account-deleted",
      to: account.email,
      userId: null,
    });
    await dropLinksOf(trx, account.documentId);
    await trx("mail_settings").where({ user_id: account.documentId }).delete();
    await endSessionsOf(strapi, [account.documentId]);
    if (profile) {
      const id = profile.id;
      for (const article of await articleIds(
        trx,
        `SELECT DISTINCT c.article_document_id AS id FROM comments c
           JOIN comments_author_lnk a ON a.comment_id = c.id WHERE a.profile_id = ?`,
        id,
      ))
        changed.add(article);
      if (input.comments === "remove") {
        const removed = (await trx("comments_author_lnk").where({ profile_id: id }).select("comment_id")) as {
          comment_id: number;
        }[];
        await dropCommentNotifications(
          strapi,
          removed.map((row) => row.comment_id),
        );
        await trx.raw(
          `UPDATE comments SET visibility = 'deleted', body = '' WHERE id IN
             (SELECT comment_id FROM comments_author_lnk WHERE profile_id = ?)`,
          [id],
        );
      }
      for (const article of await articleIds(
        trx,
        `SELECT DISTINCT r.article_document_id AS id FROM reactions r
           JOIN reactions_member_lnk m ON m.reaction_id = r.id WHERE m.profile_id = ?`,
        id,
      ))
        changed.add(article);
      // db.query: bulk deletes of rows that are the member's alone; the Document Service deletes one at a time.
      await strapi.db.query("api::reaction.reaction").deleteMany({ where: { member: { id } } });
      await strapi.db
        .query("api::follow.follow")
        .deleteMany({ where: { $or: [{ follower: { id } }, { author: { id } }] } });
      await strapi.db.query("api::notification.notification").deleteMany({ where: { recipient: { id } } });
      await trx.raw("DELETE FROM notifications_actor_lnk WHERE profile_id = ?", [id]);
      const conversations = (await strapi.db
        .query("api::conversation.conversation")
        .findMany({ where: { member: { id } }, select: ["id"] })) as { id: number }[];
      const conversationIds = conversations.map((c) => c.id);
      if (conversationIds.length) {
        await strapi.db
          .query("api::conversation-message.conversation-message")
          .deleteMany({ where: { conversation: { id: { $in: conversationIds } } } });
        await strapi.db.query("api::conversation.conversation").deleteMany({ where: { id: { $in: conversationIds } } });
      }
      // Drafts never published are the member's alone; published articles stay, under the anonymous profile.
      const drafts = await strapi.documents(ARTICLE).findMany({
        filters: { author: { id } },
        locale: "*",
        status: "draft",
        fields: ["locale"],
        limit: 10_000,
      } as never);
      for (const draft of drafts as unknown as { documentId: string; locale: string }[]) {
        const published = await strapi.documents(ARTICLE).findOne({
          documentId: draft.documentId,
          locale: draft.locale,
          status: "published",
          fields: ["id"],
        } as never);
        if (!published)
          await strapi.documents(ARTICLE).delete({ documentId: draft.documentId, locale: draft.locale } as never);
      }
      // Through the Document Service, so the search index follows the new name on every published article.
      await strapi.documents(PROFILE).update({
        documentId: profile.documentId,
        data: {
          displayName: DELETED_NAME,
          deleted: true,
          handle: `deleted-${randomBytes(6).toString("hex")}`,
          bio: null,
          links: [],
          user: null,
        },
      } as never);
    }
    await strapi.db.query(USER).delete({ where: { id: account.id } });
    for (const article of changed) await recount(trx, article);
    onCommit(() => {
      kickMailer();
      log().info({ userId: account.documentId, comments: input.comments }, "Account deleted at the member's request.");
      notifyCommunity({ model: "member", event: "delete", userId: account.documentId });
      for (const documentId of changed)
        notifyCommunity({ model: "article", event: "update", documentId, locale: null });
    });
  });
}
