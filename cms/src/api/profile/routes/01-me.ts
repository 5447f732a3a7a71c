/** The signed-in member's own profile. Loaded before the core routes so `me` is not taken for an id. */
export default {
  routes: [
    { method: "GET", path: "/profiles/me", handler: "profile.me" },
    { method: "PUT", path: "/profiles/me", handler: "profile.updateMe" },
    // multipart/form-data with one file, `avatar` (at most 5 MB: middlewares/multipart.ts, lib/uploads).
    { method: "POST", path: "/profiles/me/avatar", handler: "profile.setAvatar" },
    { method: "DELETE", path: "/profiles/me/avatar", handler: "profile.removeAvatar" },
  ],
};
