export { type ApiKeys, ensureApiKeys } from "./keys.ts";
