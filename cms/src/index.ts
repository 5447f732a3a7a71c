import type { Core } from "@strapi/strapi";
import { env } from "./env.ts";
import { registerArticleEvents } from "./lib/article-events.ts";
import { recount } from "./lib/counts.ts";
import { createProfilesForNewMembers } from "./lib/members.ts";
import { startSearchSync, stopSearchSync } from "./lib/search-sync.ts";
import { seed } from "./lib/seed/index.ts";
import {
  ensureAdmin,
  ensureApiTokens,
  ensureConstraints,
  ensureEditorRole,
  ensureLocales,
  ensureMemberPermissions,
} from "./lib/setup.ts";
import { notifyCommunity } from "./lib/webhook.ts";

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
      if (comment.visibility === "hidden")
        notifyCommunity(strapi, {
          model: "comment",
          event: "hide",
          articleDocumentId: articleId,
          locale: comment.articleLocale ?? "",
        });
    },
  });
}

export default {
  /** Stops the search sync after its drain in progress, so no lease is left hanging on shutdown. */
  async destroy() {
    await stopSearchSync();
  },

  /** Before the app initialises: hooks that must see every change from the first request on. */
  register({ strapi }: { strapi: Core.Strapi }) {
    registerArticleEvents(strapi);
  },

  /** Once the app is up: schema extras, locales, the first admin, roles, tokens. Each step is idempotent. */
  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await ensureConstraints(strapi);
    await ensureLocales(strapi);
    await ensureAdmin(strapi);
    await ensureEditorRole(strapi);
    await ensureMemberPermissions(strapi);
    await ensureApiTokens(strapi);
    startSearchSync(strapi);
    createProfilesForNewMembers(strapi);
    recountOnCommentChanges(strapi);
    if (env().SEED_DEMO_CONTENT && (await strapi.db.query("api::article.article").count()) === 0) {
      strapi.log.info("Empty database: loading the demo content (SEED_DEMO_CONTENT=true)…");
      const { created } = await seed(strapi, (done, total) => {
        if (done === total || done % 20 === 0) strapi.log.info(`Demo content: ${done}/${total}`);
      });
      strapi.log.info(`Demo content loaded: ${created} entries.`);
    }
  },
};
