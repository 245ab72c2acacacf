// The fixture corpus is complete and consistent: every trace has its goldens (made from that
// very file), headers match the Go version that wrote them, every scenario exists for every
// version that supports it, and every golden parses. Later golden tests rely on all of this.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  corpusGoVersions, fixturesDir, goldenRoot, headerWrittenBy, listFixtures, listGoldens, listGoTests,
  listInvalidFiles, loadGolden, readHeaderVersion, scenarioMinMinor, type Fixture,
} from '../helpers/fixtures.ts';

const fixtures = listFixtures();
const oneMegabyte = 1 << 20;

/** Golden files the pages promise, from the indexes the golden script wrote. */
function promisedGoldens(f: Fixture): string[] {
  const meta = loadGolden(f, 'meta.json');
  const names = ['meta.json', 'parsed-counts.json'];
  for (const p of Object.values<any>(meta.pprof)) if (p.file) names.push(p.file, p.text);
  const pages = meta.pages;
  if (pages.goroutines) {
    names.push('goroutines.json');
    const list = loadGolden(f, 'goroutines.json');
    for (const g of list.groups ?? []) names.push(g.detailFile);
    for (const p of list.profiledGroups ?? []) for (const r of Object.values<any>(p.profiles)) if (r.file) names.push(r.file);
  }
  if (pages.usertasks) {
    names.push('usertasks.json');
    for (const t of loadGolden(f, 'usertasks.json').types ?? []) names.push(t.detailFile);
  }
  if (pages.userregions) {
    names.push('userregions.json');
    const list = loadGolden(f, 'userregions.json');
    for (const r of list.regions ?? []) names.push(r.detailFile);
    for (const p of list.profiledRegions ?? []) for (const r of Object.values<any>(p.profiles)) if (r.file) names.push(r.file);
  }
  for (const m of pages.mmu ?? []) names.push(m.plot, m.details);
  return names;
}

describe('fixture corpus', () => {
  it('has the bundled demo trace npm start opens', () => {
    expect(existsSync(join(fixturesDir, 'go1.27', 'demo.trace'))).toBe(true);
  });

  it('has every scenario for every Go version that supports it, and nothing else', () => {
    const programs = readdirSync(join(fixturesDir, 'programs')).filter((d) => statSync(join(fixturesDir, 'programs', d)).isDirectory()).sort();
    expect(Object.keys(scenarioMinMinor).sort()).toEqual(programs);
    const expected: string[] = [];
    for (const v of corpusGoVersions) {
      for (const [scenario, minMinor] of Object.entries(scenarioMinMinor)) {
        if (Number(v.split('.')[1]) >= minMinor) expected.push(`go${v}/${scenario}`);
      }
    }
    const actual = fixtures.filter((f) => f.goVersion !== null).map((f) => f.id);
    expect(actual.sort()).toEqual(expected.sort());
  });

  it("includes Go's v1 testdata traces", () => {
    expect(fixtures.filter((f) => f.folder === 'go-testdata-v1').length).toBeGreaterThanOrEqual(12);
  });

  for (const f of fixtures) {
    describe(f.id, () => {
      it('has the header of the Go version that wrote it', () => {
        if (f.goVersion) {
          expect(f.headerVersion).toBe(headerWrittenBy[f.goVersion]);
        } else {
          // Go's testdata names carry the version: stress_1_19_good, fmt_1_21_pprof_good → "go 1.NN".
          const m = /_1_(\d+)(_[a-z]+)?_good$/.exec(f.scenario);
          expect(m).not.toBeNull();
          expect(f.headerVersion).toBe(`go 1.${m![1]}`);
        }
        expect(f.format).toBe(Number(f.headerVersion.slice(5)) >= 22 ? 'v2' : 'v1');
      });

      it('is smaller than 1 MB', () => {
        expect(f.bytes).toBeLessThan(oneMegabyte);
      });

      it('has goldens made from this very file', () => {
        const meta = loadGolden(f, 'meta.json');
        expect(meta.trace).toBe(relative(fixturesDir, f.tracePath));
        expect(meta.bytes).toBe(f.bytes); // a re-run trace without re-made goldens shows here
        expect(meta.header).toBe(f.headerVersion);
        expect(meta.goldensBy).toMatch(/^go version go1\.27\.\d+ /);
        if (f.goVersion) expect(meta.ranBy).toMatch(new RegExp(`^go version go${f.goVersion.replace('.', '\\.')}(\\.\\d+)? `));
      });

      it('has every golden its indexes promise', () => {
        const present = new Set(listGoldens(f));
        const missing = promisedGoldens(f).filter((name) => !present.has(name));
        expect(missing).toEqual([]);
      });

      it('has the full set of goldens when go tool trace could read it', () => {
        const meta = loadGolden(f, 'meta.json');
        if (meta.parsed.error !== null) {
          // Recorded faithfully: go tool trace 1.27 refuses this trace; every output says why.
          expect(meta.pages.server.exitCode).toBe(1);
          for (const p of Object.values<any>(meta.pprof)) expect(p.error).toContain(meta.parsed.error);
          return;
        }
        const names = new Set(listGoldens(f));
        for (const type of ['net', 'sync', 'syscall', 'sched']) {
          expect(names.has(`pprof-${type}.pb.gz`)).toBe(true);
          expect(names.has(`pprof-${type}.txt`)).toBe(true);
        }
        for (const page of ['goroutines.json', 'usertasks.json', 'userregions.json', 'mmu-system-stw-background-assist.json']) {
          expect(names.has(page)).toBe(true);
        }
        const counts = loadGolden(f, 'parsed-counts.json');
        expect(counts.total).toBeGreaterThan(0);
        expect(Object.values<number>(counts.byKind).reduce((a, b) => a + b, 0)).toBe(counts.total);
        expect(loadGolden(f, 'goroutines.json').groups.length).toBeGreaterThan(0);
      });
    });
  }

  it('has golden folders only for traces that exist', () => {
    const ids = new Set(fixtures.map((f) => f.id));
    const stale: string[] = [];
    for (const folder of readdirSync(goldenRoot)) {
      for (const scenario of readdirSync(join(goldenRoot, folder))) {
        if (!ids.has(`${folder}/${scenario}`)) stale.push(`${folder}/${scenario}`);
      }
    }
    expect(stale).toEqual([]);
  });

  it('has goldens that all parse as JSON', () => {
    let parsed = 0;
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name.endsWith('.json')) {
          expect(() => JSON.parse(readFileSync(full, 'utf8')), relative(fixturesDir, full)).not.toThrow();
          parsed++;
        }
      }
    };
    walk(goldenRoot);
    expect(parsed).toBeGreaterThan(fixtures.length * 5);
  });
});

describe("Go's golden parser tests", () => {
  it('are all present with their expectations', () => {
    const tests = listGoTests();
    expect(tests.length).toBe(22);
    expect(tests.filter((t) => !t.expect.success).map((t) => t.name).sort()).toEqual([
      'go122-fail-first-gen-first',
      'go122-create-syscall-with-p',
    ].sort());
    for (const t of tests) expect(t.traceText.startsWith('Trace Go1.')).toBe(true);
  });
});

describe('invalid files', () => {
  const invalid = listInvalidFiles();

  it('have an expectation for every file, and a file for every expectation', () => {
    // Files only: subfolders (e.g. fuzz findings) belong to other tests.
    const dir = join(fixturesDir, 'invalid');
    const files = readdirSync(dir).filter((f) => f !== 'expected.json' && statSync(join(dir, f)).isFile()).sort();
    expect(invalid.map((i) => i.name).sort()).toEqual(files);
  });

  for (const { name, path, expected } of invalid) {
    it(`${name}: is judged by go tool trace 1.27, as an error or a partial trace`, () => {
      expect(expected.judgedBy).toMatch(/^go version go1\.27\./);
      expect(expected.error).toBeTruthy();
      if (expected.partial) {
        expect(expected.lostNote).toMatch(/^Lost \d+\.\d\d% of the latest trace data due to error \(.+ of .+\)$/);
        expect(expected.proceedNote).toBe(`Encountered error, but able to proceed. Error: ${expected.error}`);
      } else {
        expect(expected.interactiveError).toContain(expected.error!);
      }
      expect(existsSync(path)).toBe(true);
      // Files with a valid header keep it: the damage is further in.
      if (name.startsWith('corrupt-') || name.startsWith('truncated-') && !name.includes('header')) {
        expect(readHeaderVersion(path)).not.toBeNull();
      }
    });
  }
});
