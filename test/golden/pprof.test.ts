// The four blocking profiles against go tool trace 1.27 for every fixture: -pprof=TYPE
// (all goroutines), the /io|/block|/syscall|/sched?name= profiles of one goroutine group, and
// the /region* profiles of one region type. Both sides are decoded with protobufjs and compared
// sample by sample — the same stacks (address, function, file, line per frame), the same
// counts, each delay within max(1 µs, 0.1%). Also: Go's own files re-encode byte for byte
// through our encoder, and, when Go is installed, `go tool pprof -traces` reads our files and
// prints the same traces as for Go's.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTraceFile, TraceTables } from '../../parser/index.ts';
import { createBlockingProfiles, type BlockingProfileKind, type BlockingProfiles } from '../../parser/analysis/pprof.ts';
import {
  createSummarizer, matchingGoroutineIntervals, matchingRegionIntervals, regionFilterFromQuery, type Summary,
} from '../../parser/analysis/summary.ts';
import {
  buildPprofProfile, decodePprof, encodePprofProfile, resolvePprofSamples, writePprof, type PprofProfile,
} from '../../server/encode/pprof.ts';
import { hasGolden, listFixtures, listInvalidFiles, loadGolden, type Fixture } from '../helpers/fixtures.ts';

const goBinary = '/usr/lib/go-1.27/bin/go';
const haveGo = existsSync(goBinary);
/** go tool trace's page names for the four profiles. */
const pageKind: Record<string, BlockingProfileKind> = { io: 'net', block: 'sync', syscall: 'syscall', sched: 'sched' };

interface Parsed {
  tables: TraceTables;
  profiles: BlockingProfiles;
  summary: Summary;
}

async function parseFixture(fixture: Pick<Fixture, 'tracePath'>): Promise<Parsed | Error> {
  const tables = new TraceTables();
  const recorder = createBlockingProfiles(tables);
  const summarizer = createSummarizer(tables);
  try {
    const result = await parseTraceFile(fixture.tracePath, {
      tables,
      onEvent: (ev) => {
        recorder.handleEvent(ev);
        summarizer.handleEvent(ev);
      },
    });
    return { tables, profiles: recorder.finish(result.validEvents), summary: summarizer.finish() };
  } catch (err) {
    return err as Error;
  }
}

/** stack text → the [count, delay] of every sample with that stack (Go may repeat a stack). */
function samplesByStack(profile: PprofProfile): Map<string, number[][]> {
  const out = new Map<string, number[][]>();
  for (const s of resolvePprofSamples(profile)) {
    const key = s.frames.map((f) => `${f.address.toString(16)} ${f.func} ${f.file}:${f.line}`).join('\n');
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push(s.values);
  }
  for (const list of out.values()) list.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  return out;
}

function expectSameProfile(ours: PprofProfile, golden: PprofProfile, what: string): void {
  expect(ours.sampleTypes, what).toEqual(golden.sampleTypes);
  expect([ours.periodType, ours.period, ours.timeNanos, ours.durationNanos], what)
    .toEqual([golden.periodType, golden.period, golden.timeNanos, golden.durationNanos]);
  const mine = samplesByStack(ours);
  const theirs = samplesByStack(golden);
  expect([...mine.keys()].sort(), `${what}: stacks`).toEqual([...theirs.keys()].sort());
  for (const [stack, want] of theirs) {
    const got = mine.get(stack)!;
    const where = `${what} at\n${stack}`;
    expect(got.map((v) => v[0]), `${where}: counts`).toEqual(want.map((v) => v[0]));
    for (let i = 0; i < want.length; i++) {
      const tolerance = Math.max(1000, want[i][1] * 0.001);
      expect(Math.abs(got[i][1] - want[i][1]), `${where}: delay ours ${got[i][1]}, go ${want[i][1]}`).toBeLessThanOrEqual(tolerance);
    }
  }
}

/** `go tool pprof -traces` text as its header plus the set of trace blocks (sample order differs). */
function tracesText(text: string): { header: string; blocks: string[] } {
  const [header, ...blocks] = text.split(/^-{11}\+-{55}\n/m);
  return { header, blocks: blocks.sort() };
}

const fixtures = listFixtures().filter((f) => hasGolden(f, 'meta.json'));

describe('blocking profiles against go tool trace', () => {
  it('has fixtures with pprof goldens', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  for (const fixture of fixtures) {
    describe(fixture.id, () => {
      let parsed: Parsed | Error;
      const meta = loadGolden(fixture, 'meta.json');
      beforeAll(async () => {
        parsed = await parseFixture(fixture);
      });

      /** The parsed trace, or a skip while its format's reader is not written yet. */
      const ready = (ctx: { skip: (note?: string) => void }): Parsed => {
        if (parsed instanceof Error && /not supported yet/.test(parsed.message)) ctx.skip(parsed.message);
        if (parsed instanceof Error) throw parsed;
        return parsed;
      };

      for (const [kind, entry] of Object.entries(meta.pprof ?? {}) as [BlockingProfileKind, { file?: string; error?: string }][]) {
        it(`-pprof=${kind}`, (ctx) => {
          if (entry.file === undefined) {
            // go tool trace could not read the trace at all; neither may we.
            if (parsed instanceof Error && /not supported yet/.test(parsed.message)) ctx.skip(parsed.message);
            expect(parsed, `go tool trace failed: ${entry.error}`).toBeInstanceOf(Error);
            return;
          }
          const { profiles, tables } = ready(ctx);
          const golden = decodePprof(loadGolden(fixture, entry.file as `${string}.pb.gz`));
          expectSameProfile(buildPprofProfile(profiles.profile(kind, null), tables), golden, `${fixture.id} ${kind}`);
        });
      }

      it("re-encodes go tool trace's profiles byte for byte", () => {
        const files = Object.values(meta.pprof ?? {}).flatMap((e) => ((e as { file?: string }).file ? [(e as { file: string }).file] : []));
        for (const file of files) {
          const bytes = loadGolden(fixture, file as `${string}.pb.gz`);
          expect(Buffer.from(encodePprofProfile(decodePprof(bytes))).equals(gunzipSync(bytes)), file).toBe(true);
        }
      });

      const groups = hasGolden(fixture, 'goroutines.json') ? loadGolden(fixture, 'goroutines.json').profiledGroups ?? [] : [];
      for (const group of groups as { name: string; profiles: Record<string, { file?: string }> }[]) {
        it(`goroutine group ${group.name}`, (ctx) => {
          const { profiles, tables, summary } = ready(ctx);
          const intervals = matchingGoroutineIntervals(summary, group.name, profiles.traceEnd);
          for (const [page, entry] of Object.entries(group.profiles)) {
            if (!entry.file) continue;
            const golden = decodePprof(loadGolden(fixture, entry.file as `${string}.pb.gz`));
            expectSameProfile(buildPprofProfile(profiles.profile(pageKind[page], intervals), tables), golden, `${fixture.id} /${page}?name=${group.name}`);
          }
        });
      }

      const regions = hasGolden(fixture, 'userregions.json') ? loadGolden(fixture, 'userregions.json').profiledRegions ?? [] : [];
      for (const region of regions as { type: string; profiles: Record<string, { path?: string; file?: string }> }[]) {
        it(`region ${region.type}`, (ctx) => {
          const { profiles, tables, summary } = ready(ctx);
          for (const [page, entry] of Object.entries(region.profiles)) {
            if (!entry.file || !entry.path) continue;
            const query = Object.fromEntries(new URL(entry.path, 'http://go.trace').searchParams);
            const intervals = matchingRegionIntervals(summary, regionFilterFromQuery(query));
            const golden = decodePprof(loadGolden(fixture, entry.file as `${string}.pb.gz`));
            expectSameProfile(buildPprofProfile(profiles.profile(pageKind[page], intervals), tables), golden, `${fixture.id} ${entry.path}`);
          }
        });
      }
    });
  }
});

// go tool pprof on our files: once per profile kind of the newest Go's fixtures (it is slow-ish).
describe.skipIf(!haveGo)('go tool pprof reads what we write', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tstrace-pprof-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const fixture of fixtures.filter((f) => f.goVersion === '1.27')) {
    it(fixture.id, async (ctx) => {
      const parsed = await parseFixture(fixture);
      if (parsed instanceof Error) ctx.skip(parsed.message);
      const { profiles, tables } = parsed as Parsed;
      const meta = loadGolden(fixture, 'meta.json');
      for (const [kind, entry] of Object.entries(meta.pprof ?? {}) as [BlockingProfileKind, { text?: string }][]) {
        if (!entry.text) continue;
        const file = join(dir, `${fixture.scenario}-${kind}.pb.gz`);
        writeFileSync(file, writePprof(profiles.profile(kind, null), tables));
        const text = execFileSync(goBinary, ['tool', 'pprof', '-traces', file], {
          env: { ...process.env, GOROOT: '/usr/lib/go-1.27' },
          stdio: ['ignore', 'pipe', 'pipe'],
        }).toString('utf8');
        expect(tracesText(text), `${fixture.id} ${kind}`).toEqual(tracesText(loadGolden(fixture, entry.text)));
      }
    });
  }
});

// Damaged traces that go tool trace still reads in part: it keeps the events up to the last
// complete generation. No goldens exist for these, so go tool trace is asked directly.
describe.skipIf(!haveGo)('profiles of damaged traces, against go tool trace run now', () => {
  for (const damaged of listInvalidFiles().filter((f) => f.expected.partial)) {
    it(damaged.name, async () => {
      const parsed = await parseFixture({ tracePath: damaged.path });
      for (const kind of ['net', 'sync', 'syscall', 'sched'] as const) {
        const go = spawnSync(goBinary, ['tool', 'trace', `-pprof=${kind}`, damaged.path], { env: { ...process.env, GOROOT: '/usr/lib/go-1.27' } });
        const ours = () => {
          if (parsed instanceof Error) throw parsed;
          return buildPprofProfile(parsed.profiles.profile(kind, null), parsed.tables);
        };
        if (go.status !== 0) {
          // e.g. nothing but the closing Sync survived: "failed to find matching goroutines".
          expect(ours, `go tool trace failed: ${go.stderr.toString().trim()}`).toThrow();
          continue;
        }
        expectSameProfile(ours(), decodePprof(go.stdout), `${damaged.name} ${kind}`);
      }
    });
  }
});
