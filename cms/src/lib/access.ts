/**
 * Who may call what, in one place. Route actions are `api::<api>.<controller>.<action>`. Ownership (a member may
 * only touch their own rows) is checked in the controllers; these lists only open the doors.
 */

/** Anyone, signed in or not: published content and visible comments. */
export const PUBLIC_ACTIONS = [
  "api::article.article.find",
  "api::article.article.findOne",
  "api::tag.tag.find",
  "api::tag.tag.findOne",
  "api::category.category.find",
  "api::category.category.findOne",
  "api::profile.profile.find",
  "api::profile.profile.findOne",
  "api::comment.comment.list",
] as const;

/** Signed-in members, acting as themselves. */
export const MEMBER_ACTIONS = [
  ...PUBLIC_ACTIONS,
  "api::comment.comment.create",
  "api::comment.comment.update",
  "api::comment.comment.delete",
  "api::comment.comment.report",
  "api::reaction.reaction.set",
  "api::reaction.reaction.mine",
  "api::follow.follow.set",
  "api::follow.follow.mine",
  "api::notification.notification.mine",
  "api::notification.notification.read",
  "api::feed.feed.following",
  "api::profile.profile.me",
  "api::profile.profile.updateMe",
  "api::profile.profile.setAvatar",
  "api::profile.profile.removeAvatar",
  "api::member.member.state",
  "api::account.account.resendVerification",
  "api::account.account.changePassword",
  "api::account.account.changeEmail",
  "api::account.account.mailPreferences",
  "api::account.account.saveMailPreferences",
  "api::account.account.export",
  "api::account.account.delete",
  "api::conversation.conversation.list",
  "api::conversation.conversation.create",
  "api::conversation.conversation.findOne",
  "api::conversation.conversation.rename",
  "api::conversation.conversation.delete",
  "api::conversation.conversation.followUp",
  "api::conversation.conversation.rollback",
  "api::studio.studio.list",
  "api::studio.studio.findOne",
  "api::studio.studio.save",
  "api::studio.studio.submit",
  "api::studio.studio.withdraw",
  "plugin::users-permissions.user.me",
] as const;

/**
 * The community's server-side token: public reads, and the draft behind a signed preview link (the community checks
 * the link; the CMS answers only this token). Member actions go with the member's own JWT.
 */
export const COMMUNITY_TOKEN_ACTIONS = [...PUBLIC_ACTIONS, "api::article.article.preview"] as const;

/**
 * The worker's token: look up whether a creator is blocked, save drafts and report failures, read and save Ask
 * Inkstone's answers, nothing else.
 */
export const WORKER_TOKEN_ACTIONS = [
  "api::generation.generation.creator",
  "api::generation.generation.upsertDraft",
  "api::generation.generation.reportFailure",
  "api::conversation-message.conversation-message.findAnswer",
  "api::conversation-message.conversation-message.saveAnswer",
] as const;
