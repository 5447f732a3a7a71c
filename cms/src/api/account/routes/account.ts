/**
 * Accounts by mail (src/lib/accounts): the member's own routes take their JWT, as the other member routes do; the
 * link routes take no JWT — the link's token is the authority — and answer only the community's server.
 *
 * Member (JWT):
 * - POST /accounts/me/verification {data:{locale}} → 202; 400 code already_verified; 429 code too_many.
 * - POST /accounts/me/password {data:{currentPassword, password, keepSession, locale}} → {data:{ended}}: every
 *   other session ends; 400 code wrong_password.
 * - POST /accounts/me/email {data:{email, currentPassword, locale}} → 202; 400 wrong_password, email_taken,
 *   same_email; 429 too_many.
 * - GET|PUT /accounts/me/mail-preferences → {data:{replies, follows, reviews, runs, locale}}.
 * - GET /accounts/me/export → application/zip.
 * - POST /accounts/me/delete {data:{password, comments: keep|remove}} → {data:{userId, deleted:true}}.
 *
 * Links (community only):
 * - POST /accounts/links/check {data:{token, purpose}} → {data:{status, purpose, email?}}, never uses the link.
 * - POST /accounts/verification/confirm {data:{token}} → {data:{userId, email}}.
 * - POST /accounts/password-reset {data:{email, locale}} → 202 for any well-formed address, whether or not an account
 *   has it.
 * - POST /accounts/password-reset/confirm {data:{token, password}} → {data:{userId}}; every session ends.
 * - POST /accounts/email-change/confirm {data:{token}} → {data:{userId, email}}.
 * - POST /accounts/unsubscribe {data:{token}} → {data:{category, email}} (category: a mail category or all).
 * A link that cannot be used answers 400 with code link_invalid, link_expired or link_used.
 */
const links = () => ({ auth: false, policies: ["global::community-only"] });

export default {
  routes: [
    { method: "POST", path: "/accounts/me/verification", handler: "account.resendVerification" },
    { method: "POST", path: "/accounts/me/password", handler: "account.changePassword" },
    { method: "POST", path: "/accounts/me/email", handler: "account.changeEmail" },
    { method: "GET", path: "/accounts/me/mail-preferences", handler: "account.mailPreferences" },
    { method: "PUT", path: "/accounts/me/mail-preferences", handler: "account.saveMailPreferences" },
    { method: "GET", path: "/accounts/me/export", handler: "account.export" },
    { method: "POST", path: "/accounts/me/delete", handler: "account.delete" },
    { method: "POST", path: "/accounts/links/check", handler: "account.checkLink", config: links() },
    { method: "POST", path: "/accounts/verification/confirm", handler: "account.confirmVerification", config: links() },
    { method: "POST", path: "/accounts/password-reset", handler: "account.requestReset", config: links() },
    { method: "POST", path: "/accounts/password-reset/confirm", handler: "account.completeReset", config: links() },
    { method: "POST", path: "/accounts/email-change/confirm", handler: "account.confirmEmailChange", config: links() },
    { method: "POST", path: "/accounts/unsubscribe", handler: "account.unsubscribe", config: links() },
  ],
};
