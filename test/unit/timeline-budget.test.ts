// When the server builds the timeline: -timeline=on / off, and auto by the memory it would need.

import { describe, expect, it } from 'vitest';
import { PAGES_BYTES_PER_TRACE_BYTE, planTimeline, SPLIT_FINISH_BYTES_PER_TRACE_BYTE, TIMELINE_BYTES_PER_TRACE_BYTE } from '../../server/cli/timeline-budget.ts';
import { parseCliArgs } from '../../server/cli/args.ts';

const GB = 2 ** 30;

describe('timeline budget', () => {
  it('builds it whole in auto mode while it fits in 80% of the memory (its finish split across two threads)', () => {
    const fits = (0.8 * 24 * GB) / (TIMELINE_BYTES_PER_TRACE_BYTE + SPLIT_FINISH_BYTES_PER_TRACE_BYTE);
    expect(planTimeline('auto', 0.183e9, 24 * GB, true)).toEqual({ build: 'whole' });
    expect(planTimeline('auto', fits, 24 * GB, true)).toEqual({ build: 'whole' });
    expect(planTimeline('auto', fits + 1, 24 * GB, false)).toEqual({
      build: 'none',
      why: "for this 0.8 GiB trace the whole timeline would need about 19.2 GiB of this machine's 24.0 GiB of memory; every other page is complete (-timeline=on builds it anyway)",
    });
  });

  it('beyond that, builds the first part that fits beside the other pages', () => {
    const trace = 1.3e9;
    const plan = planTimeline('auto', trace, 24 * GB, true);
    expect(plan.build).toBe('first part');
    if (plan.build !== 'first part') return;
    // Every page of the whole trace plus the timeline of the first part (finished on one thread): 80% of the memory.
    const peak = trace * PAGES_BYTES_PER_TRACE_BYTE + plan.byteLimit * (TIMELINE_BYTES_PER_TRACE_BYTE - PAGES_BYTES_PER_TRACE_BYTE);
    expect(peak).toBeLessThanOrEqual(0.8 * 24 * GB);
    expect(peak).toBeGreaterThan(0.8 * 24 * GB - 100);
    expect(plan.byteLimit).toBeLessThan(trace);
    expect(plan.why).toContain('every other page covers the whole trace (-timeline=on builds it whole)');
    // No room left beside the other pages: no timeline at all.
    expect(planTimeline('auto', 3e9, 24 * GB, true).build).toBe('none');
  });

  it('obeys -timeline=on and -timeline=off whatever the size', () => {
    expect(planTimeline('on', 100 * GB, 1 * GB, true)).toEqual({ build: 'whole' });
    expect(planTimeline('off', 1000, 24 * GB, true)).toEqual({ build: 'none', why: 'tstrace was run with -timeline=off' });
  });

  it('parses -timeline', () => {
    expect(parseCliArgs(['t.out'])).toMatchObject({ command: 'serve', timeline: 'auto' });
    expect(parseCliArgs(['-timeline=off', 't.out'])).toMatchObject({ command: 'serve', timeline: 'off' });
    expect(parseCliArgs(['--timeline', 'on', 't.out'])).toMatchObject({ command: 'serve', timeline: 'on' });
    expect(() => parseCliArgs(['-timeline=maybe', 't.out'])).toThrow('invalid value "maybe" for -timeline: want one of auto, on, off');
  });
});
