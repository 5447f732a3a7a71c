/**
 * Member sessions, for the community's server only: `auth: false` (no member or API token is involved) and the
 * community-only policy, which wants CMS_COMMUNITY_TOKEN in `x-inkstone-community` and answers 403 otherwise.
 *
 * - POST   /member-sessions {data:{tokenHash, userId, sealedJwt, expiresAt, userAgent?, address?}} → 201 {data:{id}};
 *          400 on a bad field, an unknown member or a tokenHash in use; 403 {error:{code:"member_blocked"}}.
 * - GET    /member-sessions/:tokenHash → {data:{userId, username, sealedJwt, expiresAt, blocked:false}}. A missing
 *          or expired session, or one whose member is blocked or deleted, answers 404 and is deleted: a blocked
 *          member's session simply no longer exists, so the community treats them as signed out.
 * - DELETE /member-sessions/:tokenHash → 204, whether or not it existed.
 * - DELETE /member-sessions?userId=…&except=<tokenHash> → {data:{ended:n}}: sign out everywhere (but here).
 * - GET    /member-sessions?userId=…&tokenHash=<current> → {data:[{id, createdAt, lastSeenAt, expiresAt,
 *          userAgent, current}]}, unexpired sessions only.
 */
const community = () => ({ auth: false, policies: ["global::community-only"] });

export default {
  routes: [
    { method: "POST", path: "/member-sessions", handler: "member-session.create", config: community() },
    { method: "GET", path: "/member-sessions", handler: "member-session.list", config: community() },
    { method: "DELETE", path: "/member-sessions", handler: "member-session.endAll", config: community() },
    { method: "GET", path: "/member-sessions/:tokenHash", handler: "member-session.show", config: community() },
    { method: "DELETE", path: "/member-sessions/:tokenHash", handler: "member-session.end", config: community() },
  ],
};
