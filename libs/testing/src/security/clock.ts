/// <reference types="jest" />
/**
 * Moves `Date` (and only `Date`) forward, e.g. past the key set's refetch cooldown; timers, I/O and
 * microtasks keep running for real. Undo with `jest.useRealTimers()`.
 */
export function moveClockForward(ms: number): void {
  jest.useFakeTimers({
    now: Date.now() + ms,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}
