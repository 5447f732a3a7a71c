/** Comments go through these routes only: reads show visible threads; writes check who owns the comment. */
export default {
  routes: [
    { method: "GET", path: "/comments", handler: "comment.list" },
    { method: "POST", path: "/comments", handler: "comment.create" },
    { method: "PUT", path: "/comments/:id", handler: "comment.update" },
    { method: "DELETE", path: "/comments/:id", handler: "comment.delete" },
    { method: "POST", path: "/comments/:id/report", handler: "comment.report" },
  ],
};
