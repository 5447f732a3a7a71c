/** A member's own notifications: read them and mark them read. Nobody else's are reachable. */
export default {
  routes: [
    { method: "GET", path: "/notifications/mine", handler: "notification.mine" },
    { method: "POST", path: "/notifications/read", handler: "notification.read" },
  ],
};
