/**
 * The worker's routes for Ask Inkstone's answers (worker API token only): read an answer, save it as it is written.
 * A question's id is 404 here, as one that does not exist.
 */
export default {
  routes: [
    { method: "GET", path: "/conversation-answers/:answerId", handler: "conversation-message.findAnswer" },
    { method: "PUT", path: "/conversation-answers/:answerId", handler: "conversation-message.saveAnswer" },
  ],
};
