import { LOCALES, type Locale } from "@inkstone/config";
import type { Core } from "@strapi/strapi";
import { env } from "./env.ts";
import { ensureAdminViews } from "./lib/admin-views.ts";
import { registerArticleEvents } from "./lib/article-events.ts";
import { dropNotificationsOfRemovedComments } from "./lib/comment-removal.ts";
import { recount } from "./lib/counts.ts";
import { startHousekeeping, stopHousekeeping } from "./lib/housekeeping.ts";
import { guardMemberIdentities } from "./lib/identities.ts";
import { log } from "./lib/log.ts";
import { startDigests, stopDigests } from "./lib/mail/notifications.ts";
import { startMailer, stopMailer } from "./lib/mail/outbox.ts";
import { endSessionsOnBlock } from "./lib/member-blocking.ts";
import { createProfilesForNewMembers } from "./lib/members.ts";
import { surviveDatabaseOutages } from "./lib/outage-guard.ts";
import { registerSourceEvents } from "./lib/search-follow.ts";
import { startSearchSync, stopSearchSync } from "./lib/search-sync.ts";
import { seed } from "./lib/seed/index.ts";
import {
  ensureAdmin,
  ensureApiTokens,
  ensureContentTypeIndexes,
  ensureEditorRole,
  ensureLocales,
  ensureMemberPermissions,
} from "./lib/setup.ts";
import { registerReviewRules } from "./lib/studio/review.ts";
import { registerTaxonomySlugs } from "./lib/taxonomy.ts";
import { ensureAvatarFolder } from "./lib/uploads/avatars.ts";
import { notifyCommunity } from "./lib/webhook.ts";

const isLocale = (value: unknown): value is Locale => (LOCALES as readonly unknown[]).includes(value);

/** Editors hide comments in the admin panel: keep the article's comment count right and refresh its page. */
function recountOnCommentChanges(strapi: Core.Strapi): void {
  strapi.db.lifecycles.subscribe({
    models: ["api::comment.comment"],
    async afterUpdate(event) {
      const comment = event.result as
        | { articleDocumentId?: string; articleLocale?: string; visibility?: string }
        | undefined;
      if (!comment?.articleDocumentId) return;
      const articleId = comment.articleDocumentId;
      await strapi.db.transaction(({ trx }) => recount(trx, articleId));
      const locale = comment.articleLocale;
      if (comment.visibility === "hidden" && isLocale(locale))
        notifyCommunity({ model: "comment", event: "hide", articleDocumentId: articleId, locale });
    },
  });
}

/**
 * Node closes an idle keep-alive connection after 5 s. A client (the community, the worker, a proxy) that sends on
 * such a connection just as it closes gets "other side closed" instead of an answer. Keeping connections open longer
 * than any client keeps them idle (undici: 4 s; proxies: 60 s) leaves the closing to the client.
 */
function keepConnectionsLongerThanClients(strapi: Core.Strapi): void {
  const server = strapi.server.httpServer;
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
}

export default {
  /** Stops the search sync after its drain in progress, so no lease is left hanging on shutdown. */
  async destroy() {
    await stopHousekeeping();
    await stopDigests();
    await stopMailer();
    await stopSearchSync();
  },

  /** Before the app initialises: hooks that must see every change from the first request on. */
  register({ strapi }: { strapi: Core.Strapi }) {
    surviveDatabaseOutages();
    registerArticleEvents(strapi);
    registerReviewRules(strapi);
    dropNotificationsOfRemovedComments(strapi);
    registerSourceEvents(strapi);
    registerTaxonomySlugs(strapi);
  },

  /**
   * Once the app is up (migrations run and the schema synced): indexes, locales, the first admin, roles, tokens.
   * Each step is idempotent.
   */
  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    keepConnectionsLongerThanClients(strapi);
    await ensureContentTypeIndexes(strapi);
    await ensureLocales(strapi);
    await ensureAdmin(strapi);
    await ensureEditorRole(strapi);
    await ensureMemberPermissions(strapi);
    await ensureApiTokens(strapi);
    await ensureAvatarFolder(strapi);
    await ensureAdminViews(strapi);
    startSearchSync(strapi);
    startHousekeeping(strapi);
    startMailer(strapi);
    startDigests(strapi);
    guardMemberIdentities(strapi);
    endSessionsOnBlock(strapi);
    createProfilesForNewMembers(strapi);
    recountOnCommentChanges(strapi);
    // Every article has a draft, so counting drafts in every locale finds any article there is.
    if (env().SEED_DEMO_CONTENT && (await strapi.documents("api::article.article").count({ locale: "*" })) === 0) {
      log().info("Empty database: loading the demo content (SEED_DEMO_CONTENT=true)…");
      const { created } = await seed(strapi, (done, total) => {
        if (done === total || done % 20 === 0) log().info(`Demo content: ${done}/${total}`);
      });
      log().info(`Demo content loaded: ${created} entries.`);
    }
  },
};
