// When the server builds the timeline: -timeline=on / off, and auto by the memory it would need.

import { describe, expect, it } from 'vitest';
import { TIMELINE_BYTES_PER_TRACE_BYTE, timelineRefusal } from '../../server/cli/timeline-budget.ts';
import { parseCliArgs } from '../../server/cli/args.ts';

const GB = 2 ** 30;

describe('timeline budget', () => {
  it('builds it in auto mode while it fits in 80% of the memory', () => {
    const fits = (0.8 * 24 * GB) / TIMELINE_BYTES_PER_TRACE_BYTE;
    expect(timelineRefusal('auto', 0.183e9, 24 * GB)).toBeNull();
    expect(timelineRefusal('auto', fits, 24 * GB)).toBeNull();
    expect(timelineRefusal('auto', fits + 1, 24 * GB)).toBe("for this 1.0 GiB trace it would need about 19.2 GiB of this machine's 24.0 GiB of memory; every other page is complete (-timeline=on builds it anyway)");
  });

  it('obeys -timeline=on and -timeline=off whatever the size', () => {
    expect(timelineRefusal('on', 100 * GB, 1 * GB)).toBeNull();
    expect(timelineRefusal('off', 1000, 24 * GB)).toBe('tstrace was run with -timeline=off');
  });

  it('parses -timeline', () => {
    expect(parseCliArgs(['t.out'])).toMatchObject({ command: 'serve', timeline: 'auto' });
    expect(parseCliArgs(['-timeline=off', 't.out'])).toMatchObject({ command: 'serve', timeline: 'off' });
    expect(parseCliArgs(['--timeline', 'on', 't.out'])).toMatchObject({ command: 'serve', timeline: 'on' });
    expect(() => parseCliArgs(['-timeline=maybe', 't.out'])).toThrow('invalid value "maybe" for -timeline: want one of auto, on, off');
  });
});
