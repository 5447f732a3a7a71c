import type { MiddlewareHandler } from "astro";
import { startReplica } from "../lib/store/replica.ts";

let started: Promise<void> | undefined;

/**
 * Joins the other replicas before the first request is answered: listening on the change channel must begin before
 * anything is cached, or a change announced meanwhile could be missed. Later requests pass straight through; a store
 * that is down delays only the first request (by its connect timeout) and is retried in the background.
 */
export const replicaMiddleware: MiddlewareHandler = async (_context, next) => {
  if (!started) started = startReplica();
  await started;
  return next();
};
