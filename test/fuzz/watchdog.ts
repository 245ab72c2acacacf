// The fuzzing thread's side of the watchdog (watchdog.mjs): publishes each input to shared
// memory before it is parsed and clears the busy flag after.

import { Worker } from 'node:worker_threads';

const HEADER_BYTES = 24;

export interface WatchdogOptions {
  /** A parse running longer than this is a hang: the input is saved and the process killed. */
  hardMs: number;
  /** Resident memory above this is runaway allocation: same treatment. */
  rssCeiling: number;
  /** Where the watchdog saves the input it killed the run for. */
  outDir: string;
  runSeed: number;
  /** Largest input it can save whole (larger ones are saved truncated). */
  capacity?: number;
}

export class Watchdog {
  private readonly ints: Int32Array;
  private readonly times: Float64Array;
  private readonly data: Uint8Array;
  private readonly worker: Worker;

  constructor(options: WatchdogOptions) {
    const shared = new SharedArrayBuffer(HEADER_BYTES + (options.capacity ?? 8 << 20));
    this.ints = new Int32Array(shared, 0, 4);
    this.times = new Float64Array(shared, 16, 1);
    this.data = new Uint8Array(shared, HEADER_BYTES);
    this.worker = new Worker(new URL('./watchdog.mjs', import.meta.url), {
      workerData: { shared, hardMs: options.hardMs, rssCeiling: options.rssCeiling, outDir: options.outDir, runSeed: options.runSeed, pollMs: 100 },
    });
    this.worker.unref(); // never keeps the process alive on its own
  }

  begin(index: number, bytes: Uint8Array, chunkSize: number): void {
    const n = Math.min(bytes.length, this.data.length);
    this.data.set(bytes.subarray(0, n));
    Atomics.store(this.ints, 1, index);
    Atomics.store(this.ints, 2, n);
    Atomics.store(this.ints, 3, chunkSize);
    this.times[0] = Date.now();
    Atomics.store(this.ints, 0, 1);
  }

  end(): void {
    Atomics.store(this.ints, 0, 0);
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
