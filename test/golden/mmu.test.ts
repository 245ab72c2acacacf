// /mmu against go tool trace 1.27 for every fixture and every flag set the goldens hold:
// the plot (xMin, xMax, the 100 window sizes, the MMU or percentile values) and the details
// (the 10 worst disjoint windows for three window sizes). MMU values within 0.5% (absolute:
// utilization is in [0, 1]); window sizes within 1 ns, because Go's assembly math.Exp/Log and
// V8's can disagree in the last bit before truncation to whole nanoseconds.

import { beforeAll, describe, expect, it } from 'vitest';
import { parseTraceFile, TraceTables } from '../../parser/index.ts';
import { createMmuRecorder, parseUtilFlags, type MmuData } from '../../parser/analysis/mmu.ts';
import { hasGolden, listFixtures, loadGolden, type Fixture } from '../helpers/fixtures.ts';

interface MmuMetaEntry {
  flags: string;
  plot: string;
  details: string;
  status: number | null;
}

interface GoldenPlot {
  status: number | null;
  error?: string;
  xMin: number;
  xMax: number;
  quantiles: number[] | null;
  curve: number[][];
}

interface GoldenDetails {
  windows: { windowNs: number; status: number | null; worst: { Time: number; MutatorUtil: number }[] | null }[];
}

const MMU_TOLERANCE = 0.005;

async function recordMmu(fixture: Fixture): Promise<MmuData | Error> {
  const recorder = createMmuRecorder();
  try {
    const result = await parseTraceFile(fixture.tracePath, { tables: new TraceTables(), onEvent: (ev) => recorder.handleEvent(ev) });
    return recorder.finish(result.validEvents);
  } catch (err) {
    return err as Error;
  }
}

const fixtures = listFixtures().filter((f) => hasGolden(f, 'meta.json'));

describe('MMU against go tool trace', () => {
  it('has fixtures with MMU goldens', () => {
    expect(fixtures.some((f) => (loadGolden(f, 'meta.json').pages?.mmu ?? []).length > 0)).toBe(true);
  });

  for (const fixture of fixtures) {
    const entries: MmuMetaEntry[] = loadGolden(fixture, 'meta.json').pages?.mmu ?? [];
    if (entries.length === 0) continue;
    describe(fixture.id, () => {
      let data: MmuData | Error;
      beforeAll(async () => {
        data = await recordMmu(fixture);
      });

      for (const entry of entries) {
        it(entry.flags, (ctx) => {
          if (data instanceof Error && /not supported yet/.test(data.message)) ctx.skip(data.message);
          if (data instanceof Error) throw data;
          const mmu = data;
          const plot: GoldenPlot = loadGolden(fixture, entry.plot as `${string}.json`);
          const { flags, percentiles } = parseUtilFlags(entry.flags);
          if (plot.status !== 200) {
            // go tool trace's handler panics (mu[0][0], index out of range) when the trace never
            // reports GOMAXPROCS, which leaves no utilization series; we answer with an error.
            expect(plot.error, 'go tool trace failed some other way').toBe('other side closed');
            expect(data.mutatorUtilization(flags)).toEqual([]);
            expect(() => mmu.plot(flags, percentiles)).toThrow('no mutator utilization data');
            return;
          }
          const ours = data.plot(flags, percentiles);
          expect([ours.xMin, ours.xMax, ours.quantiles], 'plot range').toEqual([plot.xMin, plot.xMax, plot.quantiles]);
          expect(ours.curve).toHaveLength(plot.curve.length);
          plot.curve.forEach((point, i) => {
            const mine = ours.curve[i];
            expect(Math.abs(mine[0] - point[0]), `window #${i}: ours ${mine[0]}, go ${point[0]}`).toBeLessThanOrEqual(1);
            expect(mine).toHaveLength(point.length);
            for (let j = 1; j < point.length; j++) {
              expect(Math.abs(mine[j] - point[j]), `window ${point[0]} value ${j}: ours ${mine[j]}, go ${point[j]}`).toBeLessThanOrEqual(MMU_TOLERANCE);
            }
          });

          const details: GoldenDetails = loadGolden(fixture, entry.details as `${string}.json`);
          for (const w of details.windows) {
            if (w.status !== 200) continue;
            const mine = data.details(flags, w.windowNs);
            const theirs = w.worst ?? [];
            expect(mine.map((x) => x.Time), `worst ${w.windowNs} ns windows`).toEqual(theirs.map((x) => x.Time));
            theirs.forEach((x, k) => {
              expect(Math.abs(mine[k].MutatorUtil - x.MutatorUtil), `worst window at ${x.Time}`).toBeLessThanOrEqual(MMU_TOLERANCE);
            });
          }
        });
      }
    });
  }
});
