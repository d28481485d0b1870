import type { ConsumerState } from './message-broker.port';

/**
 * How long after a join the member's first fetch is taken to have answered: a partition with
 * messages waiting has reported a batch by then, so one that has not is caught up.
 */
export const SETTLE_AFTER_JOIN_MS = 2_000;

/**
 * The time up to which this member has applied everything its partitions hold: every event
 * published before it has been handled. `null` while the member holds no partitions for sure
 * (joining, rebalancing, crashed, or just joined). A deadline decision ("no answer came in time")
 * is only sound up to this point: past it, the answer may be waiting in the log.
 */
export function caughtUpTo(
  state: ConsumerState,
  now: number,
  settleMs = SETTLE_AFTER_JOIN_MS,
): number | null {
  if (state.status !== 'joined' || now - state.since < settleMs) return null;
  let upTo = now;
  for (const [topic, partitions] of Object.entries(state.assignment)) {
    for (const partition of partitions) {
      const progress = state.progress[`${topic}/${partition}`];
      // Behind: everything before the last handled message's timestamp is applied, nothing later is known.
      if (progress && progress.lag > 0) upTo = Math.min(upTo, progress.timestamp);
    }
  }
  return upTo;
}

/** Messages behind the log end over all held partitions, as of the last batch of each. */
export function totalLag(state: ConsumerState): number {
  return Object.values(state.progress).reduce((sum, p) => sum + p.lag, 0);
}
