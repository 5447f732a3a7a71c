/**
 * The generation worker's routes (worker API token only): whether a creator is blocked, save a run's draft (403
 * `creator_blocked` for a blocked creator), report a run's failure.
 */
export default {
  routes: [
    { method: "GET", path: "/generation/creators/:creatorId", handler: "generation.creator" },
    { method: "PUT", path: "/generation/drafts/:runId", handler: "generation.upsertDraft" },
    { method: "POST", path: "/generation/runs/:runId/failed", handler: "generation.reportFailure" },
  ],
};
