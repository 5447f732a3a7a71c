export * from "./generation-draft.ts";
export * from "./outbox.ts";
export * from "./search-document.ts";
