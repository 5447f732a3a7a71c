/** Following authors and tags: set (idempotent) and list your own. */
export default {
  routes: [
    { method: "PUT", path: "/follows", handler: "follow.set" },
    { method: "GET", path: "/follows/mine", handler: "follow.mine" },
  ],
};
