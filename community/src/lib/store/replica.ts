import { SIGNATURE_WINDOW_MS } from "@inkstone/config/webhook";
import { dataCache, searchCache } from "../cache/data-cache.ts";
import { MemberCache } from "../cache/member-cache.ts";
import { memberShells, pageCache } from "../cache/page-cache.ts";
import { env } from "../env.ts";
import { logger } from "../log.ts";
import { currentRequest } from "../request-context.ts";
import { Deliveries } from "../security/deliveries.ts";
import { wakeAllAnswers, wakeAnswer } from "./answer-wakeups.ts";
import { Bus, type BusMessage } from "./bus.ts";
import { store } from "./pool.ts";
import { RateLimiter } from "./rate-limits.ts";

/**
 * This replica's share of what the replicas hold in common: the change channel, the rate limiter and the webhook
 * deliveries, all in the shared store (./pool.ts); and what it keeps in memory that the channel keeps true:
 * sessions and members' personal state (for at most a minute, and only while the channel is up).
 */

/** Sessions already looked up, by the SHA-256 of their cookie's id. */
export const sessionCache = new MemberCache<unknown>({ ttlMs: 60_000, maxEntries: 100_000 });
/** Members' personal state (likes, bookmarks, follows, unread count), by member: src/lib/personal.ts. */
export const personalCache = new MemberCache<unknown>({ ttlMs: 30_000, maxEntries: 100_000 });

/** Everything cached by tag besides the visitors' pages: what one change drops. */
const TAGGED = [memberShells, dataCache, searchCache];

/** What a message means here; returns how many cached pages (for tags) or entries it dropped. */
function apply(message: BusMessage): number {
  switch (message.kind) {
    case "tags":
      for (const cache of TAGGED) cache.invalidate(message.tags);
      return pageCache.invalidate(message.tags);
    case "sessions": {
      const before = sessionCache.size;
      for (const hash of message.tokenHashes ?? []) sessionCache.delete(hash);
      if (message.userId) {
        sessionCache.deleteMember(message.userId);
        personalCache.deleteMember(message.userId);
      }
      return before - sessionCache.size;
    }
    case "member": {
      const before = personalCache.size;
      personalCache.deleteMember(message.userId);
      return before - personalCache.size;
    }
    case "answer":
      wakeAnswer(message.answerId);
      return 0;
  }
}

/** After the channel was down: anything cached meanwhile may be wrong. Pages and data are kept as fallbacks. */
function reset(): void {
  sessionCache.clear();
  personalCache.clear();
  pageCache.invalidateAll();
  for (const cache of TAGGED) cache.invalidateAll();
  wakeAllAnswers();
}

let bus: Bus | undefined;

/** The replica's end of the change channel (listening starts on first use). */
export function changes(): Bus {
  bus ??= new Bus({ url: env().COMMUNITY_DATABASE_URL, store, handlers: { apply, reset } });
  return bus;
}

/** Whether what is kept per member may be trusted beyond this request: only while the channel is heard. */
export const memberCachesUsable = (): boolean => bus?.connected === true;

/**
 * Tells every replica (this one first, before the caller answers) to forget what `message` is about. A channel that
 * cannot be reached is logged, not thrown: the change is made, the other replicas learn of it when their cached
 * copies age out (a minute at most), and this replica has already applied it.
 */
export async function announce(message: BusMessage): Promise<number> {
  const bus = changes();
  try {
    const { dropped, seq } = await bus.publish(message);
    // The member who caused it must see it on whichever replica answers them next (src/middleware/replica.ts).
    const request = currentRequest();
    if (request) request.seen = Math.max(request.seen ?? 0, seq);
    return dropped;
  } catch (error) {
    logger().warn(
      { err: error, message },
      "could not tell the other replicas about a change; they catch up within a minute",
    );
    return 0;
  }
}

export const rateLimiter = new RateLimiter(store);
export const deliveries = new Deliveries({ store, windowMs: SIGNATURE_WINDOW_MS });

const SWEEP_MS = 10 * 60_000;
let sweeping: NodeJS.Timeout | undefined;

/** Starts listening and the periodic sweep of expired buckets and deliveries; once per process, on first request. */
export async function startReplica(): Promise<void> {
  if (!sweeping) {
    sweeping = setInterval(() => {
      Promise.all([rateLimiter.sweep(), deliveries.sweep()]).catch((error: unknown) =>
        logger().warn({ err: error }, "community store: sweeping expired rate buckets and deliveries failed"),
      );
    }, SWEEP_MS);
    sweeping.unref();
  }
  await changes().open();
}

/**
 * Carries the number of the last change a member made (see Bus.caughtUp) to their next request, whichever replica
 * gets it. A minute is far longer than any replica takes to hear a change.
 */
export const SEEN_COOKIE = "inkstone_seen";
export const SEEN_SECONDS = 60;

/** The change number a Cookie header says its sender must see, when this replica has not acted on it yet. */
export function changeToAwait(cookieHeader: string | null | undefined): number | undefined {
  if (!cookieHeader?.includes(`${SEEN_COOKIE}=`)) return undefined;
  const match = new RegExp(`(?:^|;\\s*)${SEEN_COOKIE}=(\\d{1,15})(?:;|$)`).exec(cookieHeader);
  const seq = Number(match?.[1]);
  return Number.isSafeInteger(seq) && seq > changes().applied ? seq : undefined;
}
