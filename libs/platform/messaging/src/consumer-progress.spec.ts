import type { ConsumerState } from './message-broker.port';
import { caughtUpTo, SETTLE_AFTER_JOIN_MS, totalLag } from './consumer-progress';

const joinedAt = 1_000_000;
const settled = joinedAt + SETTLE_AFTER_JOIN_MS;
const joined = (progress: ConsumerState['progress'] = {}): ConsumerState => ({
  status: 'joined',
  since: joinedAt,
  assignment: { 'catalog.stock-events': [0, 1], 'auth.user-events': [2] },
  progress,
});

describe('caughtUpTo', () => {
  it.each(['starting', 'joining', 'rebalancing', 'crashed', 'stopped'] as const)(
    'is null while the member is %s: its partitions may hold unapplied answers',
    (status) => {
      expect(caughtUpTo({ ...joined(), status }, settled + 60_000)).toBeNull();
    },
  );

  it('is null right after a join, before the first fetch has surely answered', () => {
    expect(caughtUpTo(joined(), settled - 1)).toBeNull();
    expect(caughtUpTo(joined(), settled)).toBe(settled);
  });

  it('is now when every held partition is at its end or has reported nothing', () => {
    const state = joined({ 'catalog.stock-events/0': { lag: 0, timestamp: joinedAt + 10 } });
    expect(caughtUpTo(state, settled + 500)).toBe(settled + 500);
  });

  it('is the oldest lagging partition position when some are behind', () => {
    const state = joined({
      'catalog.stock-events/0': { lag: 40, timestamp: joinedAt - 9_000 },
      'catalog.stock-events/1': { lag: 3, timestamp: joinedAt - 2_000 },
      'auth.user-events/2': { lag: 0, timestamp: joinedAt - 30_000 },
    });
    expect(caughtUpTo(state, settled)).toBe(joinedAt - 9_000);
  });

  it('ignores progress of partitions the member no longer holds', () => {
    const state = joined({ 'order.events/7': { lag: 5, timestamp: 1 } });
    expect(caughtUpTo(state, settled)).toBe(settled);
  });
});

describe('totalLag', () => {
  it('adds the lag of every partition', () => {
    expect(
      totalLag(
        joined({
          'a/0': { lag: 2, timestamp: 0 },
          'a/1': { lag: 0, timestamp: 0 },
          'b/0': { lag: 5, timestamp: 0 },
        }),
      ),
    ).toBe(7);
  });
});
