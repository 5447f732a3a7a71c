/** The signed-in member's own profile. Loaded before the core routes so `me` is not taken for an id. */
export default {
  routes: [
    { method: "GET", path: "/profiles/me", handler: "profile.me" },
    { method: "PUT", path: "/profiles/me", handler: "profile.updateMe" },
  ],
};
