/** The signed-in member's following feed. */
export default {
  routes: [{ method: "GET", path: "/feed/following", handler: "feed.following" }],
};
