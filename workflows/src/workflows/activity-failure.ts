import { ActivityFailure, ApplicationFailure } from "@temporalio/workflow";

/** What an activity failure is about: the error the activity threw, past the ActivityFailure wrapper. */
export function activityError(error: unknown): ApplicationFailure | undefined {
  let current: unknown = error;
  while (current instanceof ActivityFailure && current.cause) current = current.cause;
  return current instanceof ApplicationFailure ? current : undefined;
}
