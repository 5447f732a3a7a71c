import { activityInfo } from "@temporalio/activity";

export type ActivityDeps = {
  /** Names this worker in results, so tests and logs can tell workers apart. */
  workerId: string;
};

/** Activities get their clients from `deps`, so tests and the worker wire them the same way. */
export function createActivities(deps: ActivityDeps) {
  return {
    /** Proves a round trip through the task queue: the worker that ran it answers. */
    async ping(message: string): Promise<string> {
      return `pong: ${message} (worker ${deps.workerId}, attempt ${activityInfo().attempt})`;
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
