import { longestStall } from './saga-load';

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
const order = (placed: number, final: number) => ({
  createdAt: at(placed),
  history: [
    { status: 'PENDING' as const, at: at(placed) },
    { status: 'CONFIRMED' as const, at: at(final) },
  ],
});

describe('longestStall', () => {
  it('is the longest wait for any progress while orders were waiting', () => {
    // Steady progress, then nothing from 1,000 to 9,000 although an order waited from 1,100.
    const orders = [
      order(0, 100),
      order(500, 600),
      order(900, 1_000),
      order(1_100, 9_000),
      order(1_200, 9_010),
    ];
    expect(longestStall(orders)).toBe(7_900);
  });

  it('counts a stall from the previous final state when the waiting order was placed before it', () => {
    const orders = [order(0, 10_000), order(100, 200)];
    expect(longestStall(orders)).toBe(9_800);
  });

  it('does not count idle time when nothing was waiting', () => {
    expect(longestStall([order(0, 100), order(50_000, 50_200)])).toBe(200);
  });
});
