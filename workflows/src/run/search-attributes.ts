// Custom search attributes of generation runs: the Temporal Web UI and the queue listing filter on them.
// Registered on the namespace at worker and client startup (see temporal/search-attributes.ts).

/** The run's stage (queued, research, …, done); a Keyword so it can be filtered exactly. */
export const STAGE_ATTRIBUTE = { name: "InkstoneStage", type: "KEYWORD" } as const;

/** The creator's id, for the per-creator quota and "my runs". */
export const CREATOR_ATTRIBUTE = { name: "InkstoneCreator", type: "KEYWORD" } as const;

export const SEARCH_ATTRIBUTES = [STAGE_ATTRIBUTE, CREATOR_ATTRIBUTE] as const;
