import { pace } from './pacer';

describe('pace', () => {
  it('starts actions at the rate and drops arrivals beyond the in-flight cap', async () => {
    let started = 0;
    let dropped = 0;
    const pending: (() => void)[] = [];
    const pacer = pace({
      rate: 200,
      maxInFlight: 5,
      act: () => {
        started++;
        return new Promise<void>((resolve) => pending.push(resolve));
      },
      dropped: () => dropped++,
    });
    // Nothing completes: after the first 5 arrivals every arrival is a drop.
    await new Promise((resolve) => setTimeout(resolve, 200)); // lets the pacer's own timer run
    const stopping = pacer.stop();
    pending.forEach((resolve) => resolve());
    await stopping;
    expect(started).toBe(5);
    expect(dropped).toBeGreaterThan(10);
  });
});
