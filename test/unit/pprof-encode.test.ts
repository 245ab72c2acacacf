// The pprof encoder: BuildProfile's structure (Go's traceviewer/pprof.go), the wire layout of
// Go's internal/profile encoder, a protobufjs round trip, and — when Go is installed —
// `go tool pprof` reading the result.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { TraceTables } from '../../parser/model/tables.ts';
import type { ProfileRecord } from '../../parser/analysis/pprof.ts';
import { topFunctions } from '../../parser/analysis/pprof-calltree.ts';
import {
  buildPprofProfile, decodePprof, encodePprofProfile, resolvePprofSamples, writePprof,
} from '../../server/encode/pprof.ts';

const goBinary = '/usr/lib/go-1.27/bin/go';

function sampleTables() {
  const tables = new TraceTables();
  const main = tables.internFrame(0x401000, 'main.main', '/src/main.go', 12);
  const lock = tables.internFrame(0x402000, 'sync.(*Mutex).Lock', '/go/src/sync/mutex.go', 90);
  const lockOther = tables.internFrame(0x402040, 'sync.(*Mutex).Lock', '/go/src/sync/mutex.go', 95);
  const worker = tables.internFrame(0x403000, 'main.worker', '/src/main.go', 30);
  // Same PC as `worker` but another name: Go keys locations by PC, so this reuses worker's.
  const samePC = tables.internFrame(0x403000, 'main.inlined', '/src/main.go', 31);
  const records: ProfileRecord[] = [
    { stackId: tables.internStack([lock, worker, main]), count: 3, totalNs: 1500 },
    { stackId: tables.internStack([lockOther, main]), count: 1, totalNs: 0 },
    { stackId: tables.internStack([samePC, main]), count: 2, totalNs: 7_000_000_000 },
    { stackId: 0, count: 1, totalNs: 5 },
  ];
  return { tables, records };
}

/** Every top-level and nested (field, wire type) pair of a message, in order. */
function fieldsOf(bytes: Uint8Array): [number, number][] {
  const reader = protobuf.Reader.create(bytes);
  const out: [number, number][] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    out.push([tag >>> 3, tag & 7]);
    reader.skipType(tag & 7);
  }
  return out;
}

function submessages(bytes: Uint8Array, field: number): Uint8Array[] {
  const reader = protobuf.Reader.create(bytes);
  const out: Uint8Array[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === field && (tag & 7) === 2) out.push(reader.bytes());
    else reader.skipType(tag & 7);
  }
  return out;
}

describe('pprof encoder', () => {
  it("builds the profile as Go's BuildProfile does", () => {
    const { tables, records } = sampleTables();
    const profile = buildPprofProfile(records, tables);
    expect(profile.sampleTypes).toEqual([{ type: 'contentions', unit: 'count' }, { type: 'delay', unit: 'nanoseconds' }]);
    expect([profile.periodType, profile.period, profile.timeNanos, profile.durationNanos]).toEqual([{ type: 'trace', unit: 'count' }, 1, 0, 0]);
    // Functions by file+name: both Lock frames share one function.
    expect(profile.functions.map((f) => [f.id, f.name, f.filename, f.systemName])).toEqual([
      [1, 'sync.(*Mutex).Lock', '/go/src/sync/mutex.go', 'sync.(*Mutex).Lock'],
      [2, 'main.worker', '/src/main.go', 'main.worker'],
      [3, 'main.main', '/src/main.go', 'main.main'],
    ]);
    // Locations by PC: 0x403000 is one location whichever frame came first.
    expect(profile.locations.map((l) => [l.id, l.address, l.lines])).toEqual([
      [1, 0x402000, [{ functionId: 1, line: 90 }]],
      [2, 0x403000, [{ functionId: 2, line: 30 }]],
      [3, 0x401000, [{ functionId: 3, line: 12 }]],
      [4, 0x402040, [{ functionId: 1, line: 95 }]],
    ]);
    expect(profile.samples).toEqual([
      { locationIds: [1, 2, 3], values: [3, 1500] },
      { locationIds: [4, 3], values: [1, 0] },
      { locationIds: [2, 3], values: [2, 7_000_000_000] },
      { locationIds: [], values: [1, 5] },
    ]);
  });

  it('round-trips through the protobufjs schema', () => {
    const { tables, records } = sampleTables();
    const profile = buildPprofProfile(records, tables);
    const bytes = writePprof(records, tables);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    expect(decodePprof(bytes)).toEqual(profile);
    expect(resolvePprofSamples(decodePprof(bytes))[0].frames.map((f) => f.func)).toEqual(['sync.(*Mutex).Lock', 'main.worker', 'main.main']);
  });

  it("lays fields out as Go's internal/profile encoder", () => {
    const { tables, records } = sampleTables();
    const raw = encodePprofProfile(buildPprofProfile(records, tables));
    const top = fieldsOf(raw).map(([f]) => f);
    // sample types, samples, locations, functions, the string table, period type, period.
    const order = [...new Set(top)];
    expect(order).toEqual([1, 2, 4, 5, 6, 11, 12]);
    const samples = submessages(raw, 2);
    // Location ids packed only when more than two; values one field each, zeros included.
    expect(fieldsOf(samples[0])).toEqual([[1, 2], [2, 0], [2, 0]]);
    expect(fieldsOf(samples[1])).toEqual([[1, 0], [1, 0], [2, 0], [2, 0]]);
    expect(fieldsOf(samples[3])).toEqual([[2, 0], [2, 0]]);
    // The string table: "" first, then sample types, functions (name, system name, file), period type.
    const strings = submessages(raw, 6).map((b) => new TextDecoder().decode(b));
    expect(strings).toEqual([
      '', 'contentions', 'count', 'delay', 'nanoseconds',
      'sync.(*Mutex).Lock', '/go/src/sync/mutex.go', 'main.worker', '/src/main.go', 'main.main', 'trace',
    ]);
  });

  it.skipIf(!existsSync(goBinary))('is read by go tool pprof', () => {
    const { tables, records } = sampleTables();
    const dir = mkdtempSync(join(tmpdir(), 'tstrace-pprof-unit-'));
    try {
      const file = join(dir, 'out.pb.gz');
      writeFileSync(file, writePprof(records, tables));
      const top = execFileSync(goBinary, ['tool', 'pprof', '-top', '-sample_index=delay', file], {
        env: { ...process.env, GOROOT: '/usr/lib/go-1.27' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }).toString('utf8');
      expect(top).toMatch(/Type: delay/);
      expect(top).toMatch(/7s\s+100%\s+100%\s+7s\s+100%\s+main\.worker/);
      const contentions = execFileSync(goBinary, ['tool', 'pprof', '-top', '-sample_index=contentions', file], {
        env: { ...process.env, GOROOT: '/usr/lib/go-1.27' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }).toString('utf8');
      // The stackless sample counts in the total but has no node.
      expect(contentions).toMatch(/Showing nodes accounting for 6, 85.71% of 7 total/);
      // pprof's flat/cum columns agree with our top-functions list.
      const rows = [...contentions.matchAll(/^\s+(\d+)\s+\S+\s+\S+\s+(\d+)\s+\S+\s+(\S+)$/gm)].map((m) => [m[3], Number(m[1]), Number(m[2])]);
      const ours = topFunctions(records, tables).filter((f) => f.cumCount > 0).map((f) => [f.name, f.flatCount, f.cumCount]);
      expect(rows.sort()).toEqual(ours.sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('decodes what it was given uncompressed too', () => {
    const { tables, records } = sampleTables();
    const gz = writePprof(records, tables);
    expect(decodePprof(gunzipSync(gz))).toEqual(decodePprof(gz));
  });
});
