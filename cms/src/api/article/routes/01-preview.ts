/**
 * The draft behind a preview link (config/admin.ts makes the links; the community checks their signature and
 * expiry, then asks here): GET /previews/:documentId?locale= → the draft version, in the shape GET
 * /articles/:documentId gives the published one, so the community renders it with its article page. The community's
 * API token only (lib/access.ts); everyone else 403, as on any route their role does not open; 404 when there is
 * no such draft.
 */
export default {
  routes: [{ method: "GET", path: "/previews/:documentId", handler: "article.preview" }],
};
