/**
 * The answer streams open on this replica, by answer id, waiting for the next event. The change channel's "answer"
 * message wakes those of one answer (whichever replica stored the event); a channel that was down and is back wakes
 * them all, since they may have missed one. Waking only makes a stream read the store now rather than at its next poll.
 */

const waiting = new Map<string, Set<() => void>>();

/** Calls `wake` each time an event of `answerId` may have been stored; returns what stops it. */
export function onAnswerEvent(answerId: string, wake: () => void): () => void {
  let set = waiting.get(answerId);
  if (!set) {
    set = new Set();
    waiting.set(answerId, set);
  }
  set.add(wake);
  return () => {
    set.delete(wake);
    if (set.size === 0 && waiting.get(answerId) === set) waiting.delete(answerId);
  };
}

/** Wakes the streams of `answerId` on this replica; returns how many. */
export function wakeAnswer(answerId: string): number {
  const set = waiting.get(answerId);
  for (const wake of set ?? []) wake();
  return set?.size ?? 0;
}

/** Wakes every stream on this replica. */
export function wakeAllAnswers(): void {
  for (const set of waiting.values()) for (const wake of set) wake();
}
