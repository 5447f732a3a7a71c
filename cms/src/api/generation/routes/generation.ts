/** The generation worker's routes (worker API token only): save a run's draft, report a run's failure. */
export default {
  routes: [
    { method: "PUT", path: "/generation/drafts/:runId", handler: "generation.upsertDraft" },
    { method: "POST", path: "/generation/runs/:runId/failed", handler: "generation.reportFailure" },
  ],
};
