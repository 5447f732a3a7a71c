/** Likes and bookmarks: set (idempotent) and list your own. */
export default {
  routes: [
    { method: "PUT", path: "/reactions", handler: "reaction.set" },
    { method: "GET", path: "/reactions/mine", handler: "reaction.mine" },
  ],
};
