export * from "./answer-event.ts";
export * from "./change-event.ts";
export * from "./community-credential.ts";
export * from "./document-id.ts";
export * from "./generation-draft.ts";
export * from "./outbox.ts";
export * from "./search-document.ts";
export * from "./studio.ts";
