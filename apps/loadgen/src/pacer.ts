/**
 * Starts `act` `rate` times a second (open loop), never more than `maxInFlight` at once: an
 * arrival beyond that is reported through `dropped` instead of queueing, so a slow system shows
 * as errors and drops rather than as a generator that quietly slows down.
 */
export function pace(options: {
  rate: number;
  maxInFlight: number;
  act: () => Promise<void>;
  dropped: () => void;
}): { stop(): Promise<void> } {
  const { rate, maxInFlight, act, dropped } = options;
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  let launched = 0;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    // Catch up to where the schedule should be: timers drift, the rate must not.
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    for (; launched < due; launched++) {
      if (inFlight.size >= maxInFlight) {
        dropped();
        continue;
      }
      const running = act().finally(() => inFlight.delete(running));
      inFlight.add(running);
    }
  };
  const timer = setInterval(tick, Math.max(1, Math.min(100, 1000 / rate)));
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
}
