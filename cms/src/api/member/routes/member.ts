/**
 * The signed-in member's own state in one request, with their JWT. Refused as on the other member routes: 403
 * without a member's JWT (anonymous, the community's and the worker's API tokens), 401 for a blocked member's.
 * - GET /members/me/state → {data:{likes, bookmarks, follows:{authors, tags}, unread, limited}}: article
 *   documentIds, handles and slugs, newest first, each list bounded (MEMBER_STATE_LIMIT, `limited` when cut).
 */
export default {
  routes: [{ method: "GET", path: "/members/me/state", handler: "member.state" }],
};
