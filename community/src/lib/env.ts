import { type CommunityEnv, communityEnv } from "@inkstone/config";

let cached: CommunityEnv | undefined;

/** The community's validated environment, read at run time (the built server is configured by its environment). */
export function env(): CommunityEnv {
  cached ??= communityEnv(process.env);
  return cached;
}
