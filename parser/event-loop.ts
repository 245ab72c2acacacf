// Parsing runs on the thread that also serves HTTP (the viewer answers /api/status with
// progress while a trace is read). Long synchronous stretches — ordering a generation, draining
// the decode worker's blocks — call `maybeYield()` so timers and requests get their turn.

export class EventLoopYielder {
  private lastYield = performance.now();
  private calls = 0;

  /** `checkEvery`: calls between clock reads (cheap loops want many, per-block loops one). */
  constructor(private readonly everyMs = 25, private readonly checkEvery = 1024) {}

  /**
   * Resolves at once most of the time; every `everyMs` it lets the event loop run first. Holds
   * no closure: V8 allocates a function's context at every call when an inner function captures
   * from it, even on paths that never create that function, and this runs once per event.
   */
  maybeYield(): Promise<void> | undefined {
    if (++this.calls < this.checkEvery) return undefined;
    this.calls = 0;
    if (performance.now() - this.lastYield < this.everyMs) return undefined;
    return this.pause();
  }

  private pause(): Promise<void> {
    return new Promise<void>((resolve) => setImmediate(() => {
      this.lastYield = performance.now();
      resolve();
    }));
  }
}
