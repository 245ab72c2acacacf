// The fixture corpus (fixtures/, see fixtures/README.md) as data for tests: every trace with
// its header and golden folder, Go's own .test files, and the damaged files with what
// go tool trace 1.27 says about them. A golden test per fixture is then one line:
//   for (const f of listFixtures({ format: 'v2' })) it(f.id, async () => { … loadGolden(f, 'parsed-counts.json') … });
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const fixturesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures');
export const goldenRoot = join(fixturesDir, 'golden');

/** The Go versions whose runs are in the corpus, oldest first (folder go1.NN). */
export const corpusGoVersions = ['1.19', '1.21', '1.22', '1.23', '1.24', '1.25', '1.26', '1.27'] as const;
export type CorpusGoVersion = (typeof corpusGoVersions)[number];

/** The header each Go version writes: 1.24 reuses 1.23's format, 1.27 reuses 1.26's. */
export const headerWrittenBy: Record<CorpusGoVersion, string> = {
  '1.19': 'go 1.19', '1.21': 'go 1.21', '1.22': 'go 1.22', '1.23': 'go 1.23',
  '1.24': 'go 1.23', '1.25': 'go 1.25', '1.26': 'go 1.26', '1.27': 'go 1.26',
};

/** Every scenario program in fixtures/programs/, with the first Go minor version that has its feature. */
export const scenarioMinMinor: Record<string, number> = {
  net: 19, sync: 19, syscall: 19, gc: 19, gomaxprocs: 19, lockosthread: 19, annotations: 19,
  cpuprofile: 19, longlived: 19, cgo: 19, demo: 19,
  iterpull: 23, // iter.Pull
  flightrecorder: 25, // runtime/trace.FlightRecorder
};

export interface Fixture {
  /** "go1.27/net" or "go-testdata-v1/http_1_19_good": unique, and readable as a test name. */
  id: string;
  /** "go1.27", or "go-testdata-v1" for Go's own v1 traces. */
  folder: string;
  /** The Go that ran the program ("1.27"), or null for Go's testdata (its header says which). */
  goVersion: CorpusGoVersion | null;
  scenario: string;
  tracePath: string;
  /** The header's version, e.g. "go 1.26". */
  headerVersion: string;
  format: 'v1' | 'v2';
  /** fixtures/golden/<folder>/<scenario>/ */
  goldenDir: string;
  bytes: number;
}

export interface FixtureFilter {
  format?: 'v1' | 'v2';
  scenario?: string | string[];
  /** Go version that ran the program ("1.22"), or folder name ("go1.22", "go-testdata-v1"). */
  version?: string | string[];
  /** Include Go's own v1 testdata traces (default true; they have no goVersion). */
  goTestdata?: boolean;
}

/** Reads the 16-byte header; null when the file does not start with "go 1.NN trace\0\0\0". */
export function readHeaderVersion(path: string): string | null {
  const head = readFileSync(path).subarray(0, 16).toString('latin1');
  const m = /^(go 1\.(\d+)) trace\0\0\0$/.exec(head);
  return m ? m[1] : null;
}

function formatOf(headerVersion: string): 'v1' | 'v2' {
  return Number(headerVersion.slice('go 1.'.length)) >= 22 ? 'v2' : 'v1';
}

function makeFixture(folder: string, goVersion: CorpusGoVersion | null, scenario: string, tracePath: string): Fixture {
  const headerVersion = readHeaderVersion(tracePath);
  if (!headerVersion) throw new Error(`${tracePath} has no Go trace header`);
  return {
    id: `${folder}/${scenario}`,
    folder,
    goVersion,
    scenario,
    tracePath,
    headerVersion,
    format: formatOf(headerVersion),
    goldenDir: join(goldenRoot, folder, scenario),
    bytes: statSync(tracePath).size,
  };
}

const asList = (v: string | string[] | undefined) => (v === undefined ? null : Array.isArray(v) ? v : [v]);

/** All fixture traces (program runs, then Go's v1 testdata), filtered. Sorted by folder, scenario. */
export function listFixtures(filter: FixtureFilter = {}): Fixture[] {
  const all: Fixture[] = [];
  for (const v of corpusGoVersions) {
    const dir = join(fixturesDir, `go${v}`);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.trace')).sort()) {
      all.push(makeFixture(`go${v}`, v, file.slice(0, -'.trace'.length), join(dir, file)));
    }
  }
  if (filter.goTestdata !== false) {
    const dir = join(fixturesDir, 'go-testdata', 'v1');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('_good')).sort()) {
      all.push(makeFixture('go-testdata-v1', null, file, join(dir, file)));
    }
  }
  const scenarios = asList(filter.scenario);
  const versions = asList(filter.version);
  return all.filter((f) =>
    (!filter.format || f.format === filter.format) &&
    (!scenarios || scenarios.includes(f.scenario)) &&
    (!versions || versions.some((v) => v === f.folder || v === f.goVersion)));
}

/** One fixture by id ("go1.27/demo"); throws if there is none. */
export function getFixture(id: string): Fixture {
  const found = listFixtures().find((f) => f.id === id);
  if (!found) throw new Error(`no fixture ${id}`);
  return found;
}

/** Names of the golden files of a fixture (relative to its goldenDir, sorted). */
export function listGoldens(fixture: Fixture): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full, `${prefix}${name}/`);
      else out.push(prefix + name);
    }
  };
  walk(fixture.goldenDir, '');
  return out;
}

export function hasGolden(fixture: Fixture, name: string): boolean {
  return existsSync(join(fixture.goldenDir, name));
}

/** A golden file: .json parsed, .pb.gz as raw (gzipped) bytes, anything else as text. */
export function loadGolden<T = any>(fixture: Fixture, name: `${string}.json`): T;
export function loadGolden(fixture: Fixture, name: `${string}.pb.gz`): Uint8Array;
export function loadGolden(fixture: Fixture, name: string): string;
export function loadGolden(fixture: Fixture, name: string): unknown {
  const path = join(fixture.goldenDir, name);
  if (!existsSync(path)) throw new Error(`${fixture.id} has no golden ${name}`);
  if (name.endsWith('.json')) return JSON.parse(readFileSync(path, 'utf8'));
  if (name.endsWith('.pb.gz')) return new Uint8Array(readFileSync(path));
  return readFileSync(path, 'utf8');
}

export interface GoTestCase {
  /** File name without .test, e.g. "go122-gc-stress". */
  name: string;
  path: string;
  /** The `-- expect --` section: SUCCESS, or FAILURE with its message (a regexp in Go's tests). */
  expect: { success: true } | { success: false; message: string };
  /** The `-- trace --` section in Go's text wire form (src/internal/trace/raw/textreader.go). */
  traceText: string;
}

/** Go's golden parser tests (fixtures/go-testdata/tests/*.test). */
export function listGoTests(): GoTestCase[] {
  const dir = join(fixturesDir, 'go-testdata', 'tests');
  return readdirSync(dir).filter((f) => f.endsWith('.test')).sort().map((file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const m = /^-- expect --\n([^\n]*)\n-- trace --\n([\s\S]*)$/.exec(text);
    if (!m) throw new Error(`${file}: not in Go's "-- expect -- / -- trace --" form`);
    const failure = /^FAILURE "(.*)"$/.exec(m[1]);
    const expect = m[1] === 'SUCCESS' ? { success: true as const } : failure ? { success: false as const, message: failure[1] } : null;
    if (!expect) throw new Error(`${file}: unknown expectation ${m[1]}`);
    return { name: file.slice(0, -'.test'.length), path: join(dir, file), expect, traceText: m[2] };
  });
}

export interface InvalidExpectation {
  /** How the file was made from a real trace. */
  made: string;
  /** `go tool trace -d=parsed` error, verbatim (stderr); null if it printed everything. */
  error: string | null;
  /** True when go tool trace's viewer still opens the file (some complete part survived). */
  partial?: boolean;
  /** The viewer's "Lost X% of the latest trace data due to error (…)" line, for partial files. */
  lostNote?: string | null;
  /** The viewer's "Encountered error, but able to proceed. Error: …" line, for partial files. */
  proceedNote?: string | null;
  /** What the viewer dies with when nothing could be used. */
  interactiveError?: string;
  /** Events -d=parsed printed before it failed. */
  eventsPrintedBeforeError: number;
  judgedBy: string;
}

export interface InvalidFixture {
  name: string;
  path: string;
  expected: InvalidExpectation;
}

/** The damaged and foreign files of fixtures/invalid/ with go tool trace's verdicts. */
export function listInvalidFiles(): InvalidFixture[] {
  const dir = join(fixturesDir, 'invalid');
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, InvalidExpectation>;
  return Object.entries(expected).map(([name, e]) => ({ name, path: join(dir, name), expected: e }));
}
