/**
 * Ask Inkstone's conversations, for the signed-in member only (their JWT; the community passes it). Refused as on
 * the other member routes: 403 without a member's JWT (anonymous, the community's and the worker's API tokens),
 * 401 for a blocked member's. Someone else's conversation is 404, as one that does not exist.
 */
export default {
  routes: [
    { method: "GET", path: "/conversations", handler: "conversation.list" },
    { method: "POST", path: "/conversations", handler: "conversation.create" },
    { method: "GET", path: "/conversations/:documentId", handler: "conversation.findOne" },
    { method: "PUT", path: "/conversations/:documentId", handler: "conversation.rename" },
    { method: "DELETE", path: "/conversations/:documentId", handler: "conversation.delete" },
    { method: "POST", path: "/conversations/:documentId/messages", handler: "conversation.followUp" },
    { method: "DELETE", path: "/conversations/:documentId/answers/:answerId", handler: "conversation.rollback" },
  ],
};
