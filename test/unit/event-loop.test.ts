import { describe, expect, it } from 'vitest';
import { EventLoopYielder } from '../../parser/event-loop.ts';

/** Busy-waits, as a synchronous ordering loop does. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* busy */ }
}

describe('EventLoopYielder', () => {
  it('lets timers run during a long loop that awaits its pauses', async () => {
    const yielder = new EventLoopYielder(5, 1);
    let timerRan = false;
    setTimeout(() => (timerRan = true), 0);
    const started = performance.now();
    while (!timerRan && performance.now() - started < 2000) {
      spin(1);
      const pause = yielder.maybeYield();
      if (pause) await pause;
    }
    expect(timerRan).toBe(true);
    expect(performance.now() - started).toBeLessThan(500);
  });
  it('costs nothing between checks: no pause before checkEvery calls or the interval', () => {
    const yielder = new EventLoopYielder(60_000, 3);
    expect(yielder.maybeYield()).toBeUndefined();
    expect(yielder.maybeYield()).toBeUndefined();
    expect(yielder.maybeYield()).toBeUndefined(); // third call reads the clock: interval not reached
  });
});
