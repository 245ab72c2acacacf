// Blocking-profile records → pprof profile.proto, gzipped, as `go tool trace -pprof=TYPE`
// writes it (internal/trace/traceviewer/pprof.go BuildProfile + internal/profile's encoder):
// sample types contentions/count and delay/nanoseconds, period type trace/count with period 1,
// one location per PC, one function per file+name, no mappings. The wire layout follows Go's
// encoder field by field (unpacked values, location ids packed only when more than two, zero
// scalars omitted), so for the same sample order the uncompressed bytes are identical.

import { gunzipSync, gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import type { TraceTables } from '../../parser/model/tables.ts';
import { PPROF_MAX_STACK, type ProfileRecord } from '../../parser/analysis/pprof.ts';
import {
  FunctionField,
  LineField,
  LocationField,
  ProfileField,
  SampleField,
  ValueTypeField,
  profileMessageType,
} from './pprof-schema.ts';

export interface PprofValueType {
  type: string;
  unit: string;
}

export interface PprofFunction {
  id: number;
  name: string;
  systemName: string;
  filename: string;
  startLine: number;
}

export interface PprofLine {
  functionId: number;
  line: number;
}

export interface PprofLocation {
  id: number;
  address: number;
  lines: PprofLine[];
}

export interface PprofSample {
  locationIds: number[];
  values: number[];
}

/** The subset of profile.proto that go tool trace fills in, with strings resolved. */
export interface PprofProfile {
  sampleTypes: PprofValueType[];
  samples: PprofSample[];
  locations: PprofLocation[];
  functions: PprofFunction[];
  periodType: PprofValueType | null;
  period: number;
  timeNanos: number;
  durationNanos: number;
}

/** Go's traceviewer.BuildProfile. */
export function buildPprofProfile(records: readonly ProfileRecord[], tables: TraceTables): PprofProfile {
  const profile: PprofProfile = {
    sampleTypes: [
      { type: 'contentions', unit: 'count' },
      { type: 'delay', unit: 'nanoseconds' },
    ],
    samples: [],
    locations: [],
    functions: [],
    periodType: { type: 'trace', unit: 'count' },
    period: 1,
    timeNanos: 0,
    durationNanos: 0,
  };
  // Go keys locations by PC alone and functions by file+name concatenated; kept as is so
  // the same frames collapse the same way.
  const locationByPC = new Map<number, PprofLocation>();
  const functionByKey = new Map<string, PprofFunction>();
  for (const record of records) {
    const frameIds = tables.stackFrameIds(record.stackId);
    const depth = Math.min(frameIds.length, PPROF_MAX_STACK);
    const locationIds: number[] = [];
    for (let i = 0; i < depth; i++) {
      const frame = frameIds[i];
      const pc = tables.framePC[frame];
      let location = locationByPC.get(pc);
      if (location === undefined) {
        const name = tables.frameFunc[frame];
        const file = tables.frameFile[frame];
        let fn = functionByKey.get(file + name);
        if (fn === undefined) {
          fn = { id: profile.functions.length + 1, name, systemName: name, filename: file, startLine: 0 };
          profile.functions.push(fn);
          functionByKey.set(file + name, fn);
        }
        location = { id: profile.locations.length + 1, address: pc, lines: [{ functionId: fn.id, line: tables.frameLine[frame] }] };
        profile.locations.push(location);
        locationByPC.set(pc, location);
      }
      locationIds.push(location.id);
    }
    profile.samples.push({ locationIds, values: [record.count, record.totalNs] });
  }
  return profile;
}

/** Go's Profile.preEncode string table: "" first, then strings in the order Go adds them. */
function stringTable(profile: PprofProfile): { strings: string[]; index: (s: string) => number } {
  const indexOf = new Map<string, number>();
  const strings: string[] = [];
  const add = (s: string): number => {
    let i = indexOf.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      indexOf.set(s, i);
    }
    return i;
  };
  add('');
  for (const st of profile.sampleTypes) {
    add(st.type);
    add(st.unit);
  }
  for (const fn of profile.functions) {
    add(fn.name);
    add(fn.systemName);
    add(fn.filename);
  }
  if (profile.periodType) {
    add(profile.periodType.type);
    add(profile.periodType.unit);
  }
  return { strings, index: (s) => indexOf.get(s) ?? add(s) };
}

const VARINT = 0;
const LENGTH_DELIMITED = 2;
const tag = (field: number, wireType: number): number => ((field << 3) | wireType) >>> 0;

function writeVarintField(w: protobuf.Writer, field: number, value: number): void {
  w.uint32(tag(field, VARINT));
  if (value < 0) w.int64(value);
  else w.uint64(value);
}

/** Go's encode*Opt: zero values are not written. */
function writeOptional(w: protobuf.Writer, field: number, value: number): void {
  if (value !== 0) writeVarintField(w, field, value);
}

/** Go's encodeUint64s: packed when more than two values, one field per value otherwise. */
function writeRepeatedVarints(w: protobuf.Writer, field: number, values: readonly number[]): void {
  if (values.length > 2) {
    w.uint32(tag(field, LENGTH_DELIMITED)).fork();
    for (const v of values) w.uint64(v);
    w.ldelim();
    return;
  }
  for (const v of values) writeVarintField(w, field, v);
}

function writeValueType(w: protobuf.Writer, field: number, vt: PprofValueType, index: (s: string) => number): void {
  w.uint32(tag(field, LENGTH_DELIMITED)).fork();
  writeOptional(w, ValueTypeField.type, index(vt.type));
  writeOptional(w, ValueTypeField.unit, index(vt.unit));
  w.ldelim();
}

/** Serializes a profile to uncompressed profile.proto bytes, in Go's field order. */
export function encodePprofProfile(profile: PprofProfile): Uint8Array {
  const { strings, index } = stringTable(profile);
  const w = protobuf.Writer.create();
  for (const st of profile.sampleTypes) writeValueType(w, ProfileField.sampleType, st, index);
  for (const sample of profile.samples) {
    w.uint32(tag(ProfileField.sample, LENGTH_DELIMITED)).fork();
    writeRepeatedVarints(w, SampleField.locationId, sample.locationIds);
    // Values are always written one field each, zeros included (Go's encodeInt64).
    for (const v of sample.values) writeVarintField(w, SampleField.value, v);
    w.ldelim();
  }
  for (const location of profile.locations) {
    w.uint32(tag(ProfileField.location, LENGTH_DELIMITED)).fork();
    writeOptional(w, LocationField.id, location.id);
    writeOptional(w, LocationField.address, location.address);
    for (const line of location.lines) {
      w.uint32(tag(LocationField.line, LENGTH_DELIMITED)).fork();
      writeOptional(w, LineField.functionId, line.functionId);
      writeOptional(w, LineField.line, line.line);
      w.ldelim();
    }
    w.ldelim();
  }
  for (const fn of profile.functions) {
    w.uint32(tag(ProfileField.function, LENGTH_DELIMITED)).fork();
    writeOptional(w, FunctionField.id, fn.id);
    writeOptional(w, FunctionField.name, index(fn.name));
    writeOptional(w, FunctionField.systemName, index(fn.systemName));
    writeOptional(w, FunctionField.filename, index(fn.filename));
    writeOptional(w, FunctionField.startLine, fn.startLine);
    w.ldelim();
  }
  for (const s of strings) w.uint32(tag(ProfileField.stringTable, LENGTH_DELIMITED)).string(s);
  // drop_frames / keep_frames are the empty string (index 0) and so omitted, as in Go.
  writeOptional(w, ProfileField.timeNanos, profile.timeNanos);
  writeOptional(w, ProfileField.durationNanos, profile.durationNanos);
  if (profile.periodType) {
    const typeX = index(profile.periodType.type);
    const unitX = index(profile.periodType.unit);
    if (typeX !== 0 || unitX !== 0) writeValueType(w, ProfileField.periodType, profile.periodType, index);
  }
  writeOptional(w, ProfileField.period, profile.period);
  return w.finish();
}

/** The bytes `go tool trace -pprof=TYPE` writes: the encoded profile, gzipped. */
export function writePprof(records: readonly ProfileRecord[], tables: TraceTables): Uint8Array {
  return gzipSync(encodePprofProfile(buildPprofProfile(records, tables)));
}

/** Decodes a (possibly gzipped) profile.proto into the resolved form, for tests and tools. */
export function decodePprof(bytes: Uint8Array): PprofProfile {
  const raw = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  const type = profileMessageType();
  const message = type.toObject(type.decode(raw), { longs: Number, defaults: true, arrays: true }) as DecodedProfile;
  const str = (i: number): string => {
    if (i < 0 || i >= message.string_table.length) throw new Error(`pprof: string index ${i} out of range`);
    return message.string_table[i];
  };
  if (message.string_table[0] !== '') throw new Error("pprof: string_table[0] must be ''");
  const valueType = (vt: DecodedValueType | null | undefined): PprofValueType | null =>
    vt ? { type: str(vt.type), unit: str(vt.unit) } : null;
  return {
    sampleTypes: message.sample_type.map((vt) => valueType(vt)!),
    samples: message.sample.map((s) => ({ locationIds: s.location_id, values: s.value })),
    locations: message.location.map((l) => ({
      id: l.id,
      address: l.address,
      lines: l.line.map((ln) => ({ functionId: ln.function_id, line: ln.line })),
    })),
    functions: message.function.map((f) => ({
      id: f.id,
      name: str(f.name),
      systemName: str(f.system_name),
      filename: str(f.filename),
      startLine: f.start_line,
    })),
    periodType: valueType(message.period_type),
    period: message.period,
    timeNanos: message.time_nanos,
    durationNanos: message.duration_nanos,
  };
}

interface DecodedValueType {
  type: number;
  unit: number;
}

interface DecodedProfile {
  sample_type: DecodedValueType[];
  sample: { location_id: number[]; value: number[] }[];
  location: { id: number; address: number; line: { function_id: number; line: number }[] }[];
  function: { id: number; name: number; system_name: number; filename: number; start_line: number }[];
  string_table: string[];
  period_type: DecodedValueType | null;
  period: number;
  time_nanos: number;
  duration_nanos: number;
}

/** A sample with its stack resolved to frames, innermost first: the form tests compare. */
export interface ResolvedSample {
  frames: { address: number; func: string; file: string; line: number }[];
  values: number[];
}

/** Resolves every sample's locations to function name, file and line. */
export function resolvePprofSamples(profile: PprofProfile): ResolvedSample[] {
  const locations = new Map(profile.locations.map((l) => [l.id, l]));
  const functions = new Map(profile.functions.map((f) => [f.id, f]));
  return profile.samples.map((sample) => ({
    frames: sample.locationIds.flatMap((id) => {
      const location = locations.get(id);
      if (!location) throw new Error(`pprof: location ${id} not found`);
      return location.lines.map((ln) => {
        const fn = functions.get(ln.functionId);
        return { address: location.address, func: fn?.name ?? '', file: fn?.filename ?? '', line: ln.line };
      });
    }),
    values: sample.values,
  }));
}
