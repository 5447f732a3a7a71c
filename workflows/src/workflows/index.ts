// The workflow bundle's entry: every workflow the generation worker runs.
export * from "./answer-question.ts";
export * from "./generate-article.ts";
export * from "./ping.ts";
