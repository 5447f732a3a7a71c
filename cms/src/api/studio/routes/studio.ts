/**
 * The creator studio's CMS side: a member's own articles (their profile is the article's `author`), read and edited
 * as drafts, sent to the editors and taken back. Member JWT only (the community passes it); refused as on the other
 * member routes: 403 without a member's JWT (anonymous, the community's and the worker's API tokens), 401 for a
 * blocked member's. Someone else's article is 404 with the same body as one that does not exist.
 *
 * - GET  /studio/articles?page=&pageSize= → {data: StudioArticleSummary[], meta: {pagination}}: last saved first.
 * - GET  /studio/articles/:documentId?locale= → {data: StudioArticle} (the draft version).
 * - PUT  /studio/articles/:documentId?locale= {data: StudioDraft} → {data: StudioArticle}; 400 with field errors
 *        (citations included), 409 code `not_editable` or `stale_version`.
 * - POST /studio/articles/:documentId/submit?locale= → {data: StudioArticle}; 409 code `not_submittable`.
 * - POST /studio/articles/:documentId/withdraw?locale= → {data: StudioArticle}; 409 code `not_withdrawable`.
 * Any other query parameter (populate, filters, fields, status…) or body field: 400.
 */
export default {
  routes: [
    { method: "GET", path: "/studio/articles", handler: "studio.list" },
    { method: "GET", path: "/studio/articles/:documentId", handler: "studio.findOne" },
    { method: "PUT", path: "/studio/articles/:documentId", handler: "studio.save" },
    { method: "POST", path: "/studio/articles/:documentId/submit", handler: "studio.submit" },
    { method: "POST", path: "/studio/articles/:documentId/withdraw", handler: "studio.withdraw" },
  ],
};
