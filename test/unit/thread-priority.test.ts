// The decoder yields the CPU to the timeline's thread (parser/worker/thread-priority.ts): with a
// companion reading the whole trace, its thread runs at nice +5 while the parse lasts; the main thread, which
// serves the session afterwards, and the companion keep their priority. Linux only (per-thread nice).

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTraceFile, TraceTables } from '../../parser/index.ts';
import { listFixtures } from '../helpers/fixtures.ts';

/** Nice value of every thread of this process, by thread id. */
function threadNiceness(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      out.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // The thread exited.
    }
  }
  return out;
}

/** The nice values seen above the main thread's during a worker parse of `path`. */
async function raisedDuringParse(path: string, offThread: boolean, offThreadByteLimit?: number): Promise<{ raised: Set<number>; mainBefore: number; mainAfter: number }> {
  const mainBefore = threadNiceness().get(process.pid)!;
  const raised = new Set<number>();
  let events = 0;
  const parsed = await parseTraceFile(path, {
    worker: true,
    tables: new TraceTables(),
    chunkSize: 4096,
    offThread: offThread ? ['timeline'] : [],
    offThreadByteLimit,
    onEvent: () => {
      if (events++ % 200 !== 0) return;
      for (const nice of threadNiceness().values()) if (nice > mainBefore) raised.add(nice - mainBefore);
    },
  });
  if (offThread) await parsed.offThread.timeline;
  return { raised, mainBefore, mainAfter: threadNiceness().get(process.pid)! };
}

describe.runIf(process.platform === 'linux')('thread priorities', () => {
  const fixture = listFixtures({ scenario: 'demo', version: '1.27', format: 'v2' })[0];

  it('lowers the decoder by 5 nice steps while a timeline companion reads, and only it', async () => {
    const { raised, mainBefore, mainAfter } = await raisedDuringParse(fixture.tracePath, true);
    // Nice values stop at 19: a test run already niced past 14 sees a smaller step.
    expect([...raised]).toEqual([Math.min(5, 19 - mainBefore)].filter((step) => step > 0));
    expect(mainAfter).toBe(mainBefore);
  });

  it('leaves the decoder alone when the companion reads only a first part (the main thread then outlasts it)', async () => {
    const { raised } = await raisedDuringParse(fixture.tracePath, true, 1);
    expect([...raised]).toEqual([]);
  });

  it('leaves the decoder alone without a companion (nothing to yield to)', async () => {
    const { raised } = await raisedDuringParse(fixture.tracePath, false);
    expect([...raised]).toEqual([]);
  });
});
