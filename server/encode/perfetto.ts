// Perfetto protobuf export of the timeline (opens in ui.perfetto.dev): procs, threads and
// goroutines as tracks, one slice per goroutine execution span on its proc and thread, each
// goroutine's states as slices on its own track, GC/STW ranges and the counters, and each
// goroutine's user regions (a child track per nesting depth) and log messages (instants).
//
// The schema is the subset of perfetto's protos/perfetto/trace/{trace,trace_packet}.proto and
// track_event/{track_event,track_descriptor,counter_descriptor}.proto that we write, with the
// upstream field numbers. A Trace is just repeated `packet = 1`, so the file is written as a
// stream of length-delimited packets and never held whole.

import protobuf from 'protobufjs';
import type { AnnotationIndex } from '../../parser/analysis/annotations.ts';
import type { TimelineModel, TrackDescriptor } from '../../parser/model/timeline.ts';
import { goroutineSpanStateNames, stateSpanEnd } from '../../parser/model/timeline.ts';

export const PERFETTO_SCHEMA = `
syntax = "proto2";
package perfetto.protos;

message Trace {
  repeated TracePacket packet = 1;
}

message TracePacket {
  optional uint64 timestamp = 8;
  optional uint32 trusted_packet_sequence_id = 10;
  optional TrackEvent track_event = 11;
  optional uint32 sequence_flags = 13;
  optional TrackDescriptor track_descriptor = 60;
}

message TrackDescriptor {
  optional uint64 uuid = 1;
  optional string name = 2;
  optional uint64 parent_uuid = 5;
  optional CounterDescriptor counter = 8;
}

message CounterDescriptor {
}

message TrackEvent {
  enum Type {
    TYPE_UNSPECIFIED = 0;
    TYPE_SLICE_BEGIN = 1;
    TYPE_SLICE_END = 2;
    TYPE_INSTANT = 3;
    TYPE_COUNTER = 4;
  }
  optional Type type = 9;
  optional uint64 track_uuid = 11;
  repeated string categories = 22;
  optional string name = 23;
  optional double double_counter_value = 44;
}
`;

/** Parsed once per process; the Root is immutable after parsing. */
const root = protobuf.parse(PERFETTO_SCHEMA, { keepCase: true }).root;
export const TraceMessage = root.lookupType('perfetto.protos.Trace');
const PacketMessage = root.lookupType('perfetto.protos.TracePacket');

const SLICE_BEGIN = 1;
const SLICE_END = 2;
const INSTANT = 3;
const COUNTER = 4;
/** SEQ_INCREMENTAL_STATE_CLEARED: this sequence starts from a clean state. */
const SEQ_CLEARED = 1;

interface PacketFields {
  timestamp?: number;
  trusted_packet_sequence_id: number;
  sequence_flags?: number;
  track_event?: { type: number; track_uuid: number; name?: string; categories?: string[]; double_counter_value?: number };
  track_descriptor?: { uuid: number; name: string; parent_uuid?: number; counter?: Record<string, never> };
}

/** One packet as a `Trace.packet` field: tag (1, length-delimited), length, bytes. */
function frame(packet: PacketFields): Uint8Array {
  // Plain objects whose fields match the schema encode directly (no fromObject copy).
  return withTag(PacketMessage.encode(packet as unknown as protobuf.Message).finish());
}

function withTag(body: Uint8Array): Uint8Array {
  const header: number[] = [0x0a];
  let n = body.length;
  while (n >= 0x80) {
    header.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  header.push(n);
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}

/** uuids: 1–9 for the group tracks, then 1000 + 16 × trackId + lane. */
const GROUP_UUID: Record<string, number> = { gc: 1, stw: 2, proc: 3, thread: 4, goroutine: 5, counter: 6 };
const GROUP_NAME: Record<string, string> = { gc: 'GC', stw: 'STW', proc: 'Procs', thread: 'Threads', goroutine: 'Goroutines', counter: 'Counters' };
const MAX_LANES = 16;
const trackUuid = (track: number, lane: number) => 1000 + MAX_LANES * track + Math.min(lane, MAX_LANES - 1);
/** Each lane track is its own sequence, so every sequence's timestamps are monotonic. */
const sequenceOf = (uuid: number) => uuid;

/**
 * Yields the Perfetto trace as chunks of encoded packets (about `chunkBytes` each). `annotations`:
 * the trace's user regions and logs (from the summary), written for the goroutines the model has
 * a track for, within its time range.
 */
export function* perfettoTrace(model: TimelineModel, chunkBytes = 1 << 20, annotations: AnnotationIndex | null = null): Generator<Uint8Array> {
  let parts: Uint8Array[] = [];
  let size = 0;
  const push = (p: PacketFields) => {
    const bytes = frame(p);
    parts.push(bytes);
    size += bytes.length;
  };
  function* flush(force = false): Generator<Uint8Array> {
    if (!parts.length || (!force && size < chunkBytes)) return;
    const out = new Uint8Array(size);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    parts = [];
    size = 0;
    yield out;
  }

  // Descriptors first, all on sequence 1.
  let first = true;
  const describe = (uuid: number, name: string, parent?: number, counter = false) => {
    push({
      trusted_packet_sequence_id: 1,
      ...(first ? { sequence_flags: SEQ_CLEARED } : {}),
      track_descriptor: { uuid, name, ...(parent ? { parent_uuid: parent } : {}), ...(counter ? { counter: {} } : {}) },
    });
    first = false;
  };
  const groups = new Set(model.tracks.map((t) => t.kind));
  for (const g of Object.keys(GROUP_UUID)) if (groups.has(g as TrackDescriptor['kind'])) describe(GROUP_UUID[g], GROUP_NAME[g]);
  const seriesUuid = new Map<string, number>();
  for (const t of model.tracks) {
    if (t.kind === 'counter') {
      const c = model.counters.find((x) => x.id === t.id)!;
      c.series.forEach((s, k) => {
        const uuid = trackUuid(t.id, k);
        seriesUuid.set(`${t.id}:${k}`, uuid);
        describe(uuid, `${c.name} ${s}`, GROUP_UUID.counter, true);
      });
      continue;
    }
    const base = trackUuid(t.id, 0);
    describe(base, t.name, GROUP_UUID[t.kind]);
    const extraLanes = t.lanes + (t.kind === 'goroutine' ? 1 : 0);
    for (let lane = 1; lane < Math.min(extraLanes, MAX_LANES); lane++) describe(trackUuid(t.id, lane), `${t.name} (${lane + 1})`, base);
  }
  const annotationTracks = annotations ? describeAnnotationTracks(model, annotations, describe) : null;
  yield* flush();

  const slice = (uuid: number, start: number, end: number, name: string, category: string) => {
    const seq = sequenceOf(uuid);
    push({ timestamp: start, trusted_packet_sequence_id: seq, track_event: { type: SLICE_BEGIN, track_uuid: uuid, name, categories: [category] } });
    push({ timestamp: end, trusted_packet_sequence_id: seq, track_event: { type: SLICE_END, track_uuid: uuid } });
  };

  const sl = model.slices;
  for (const t of model.tracks) {
    if (t.kind === 'counter') continue;
    let laneBase = 0;
    if (t.kind === 'goroutine') {
      // The state row: one slice per state span, named by state (and reason).
      const row = model.stateRowOf(t.id);
      const uuid = trackUuid(t.id, 0);
      for (let i = row?.lo ?? 0; row !== null && i < row.hi; i++) {
        const state = goroutineSpanStateNames[row.state[i]];
        const reason = model.strings.get(row.reason[i]);
        slice(uuid, row.start[i], stateSpanEnd(row, i), reason ? `${state}: ${reason}` : state, 'state');
        yield* flush();
      }
      laneBase = 1;
    }
    for (let lane = 0; lane < t.lanes; lane++) {
      const uuid = trackUuid(t.id, laneBase + lane);
      const [lo, hi] = model.laneRange(t.id, lane);
      // Lanes past MAX_LANES share the last lane track; they may overlap there (rare).
      for (let i = lo; i < hi; i++) {
        slice(uuid, sl.start[i], sl.end[i], model.strings.get(sl.name[i]), ['goroutine', 'syscall', 'syscall', 'range'][sl.kind[i]]);
        yield* flush();
      }
    }
  }

  if (annotations && annotationTracks) {
    const inRange = (t: number) => t >= model.startTime && t <= model.endTime;
    // Regions: each (goroutine, depth) row is one sequence; its regions never overlap and are
    // sorted by start, so its timestamps rise. Clipped to the model's range (a part's).
    const r = annotations.regions;
    for (let i = 0; i < r.count; i++) {
      const uuid = annotationTracks.regions.get(`${r.goroutine[i]}/${r.depth[i]}`);
      if (uuid === undefined || r.end[i] < model.startTime || r.start[i] > model.endTime) continue;
      slice(uuid, Math.max(r.start[i], model.startTime), Math.min(r.end[i], model.endTime), r.name[i], 'region');
      yield* flush();
    }
    const l = annotations.logs;
    for (let i = 0; i < l.count; i++) {
      const uuid = annotationTracks.logs.get(l.goroutine[i]);
      if (uuid === undefined || !inRange(l.time[i])) continue;
      push({ timestamp: l.time[i], trusted_packet_sequence_id: sequenceOf(uuid), track_event: { type: INSTANT, track_uuid: uuid, name: l.text[i], categories: ['log'] } });
      yield* flush();
    }
  }

  for (const c of model.counters) {
    // Read each column once: a delta-coded counter decodes its columns on access.
    const time = c.time;
    const values = c.values;
    c.series.forEach((_, k) => {
      const uuid = seriesUuid.get(`${c.id}:${k}`)!;
      for (let i = 0; i < time.length; i++) {
        push({ timestamp: time[i], trusted_packet_sequence_id: sequenceOf(uuid), track_event: { type: COUNTER, track_uuid: uuid, double_counter_value: values[k][i] } });
      }
    });
    yield* flush();
  }
  yield* flush(true);
}

/**
 * Child tracks of the goroutine tracks for user annotations: one per region depth ("G7 main.f
 * regions", "… regions (2)") and one for logs ("G7 main.f logs"), numbered after every lane
 * track's uuid. Only goroutines the model has a track for.
 */
function describeAnnotationTracks(
  model: TimelineModel,
  annotations: AnnotationIndex,
  describe: (uuid: number, name: string, parent?: number) => void,
): { regions: Map<string, number>; logs: Map<number, number> } {
  const goroutineTrack = new Map<number, TrackDescriptor>();
  for (const t of model.tracks) if (t.kind === 'goroutine') goroutineTrack.set(t.resource, t);
  let next = trackUuid(model.tracks.length, 0);
  const regions = new Map<string, number>();
  for (const [g, rows] of annotations.regionRows) {
    const t = goroutineTrack.get(g);
    if (!t) continue;
    for (let depth = 0; depth < rows; depth++) {
      regions.set(`${g}/${depth}`, next);
      describe(next++, depth === 0 ? `${t.name} regions` : `${t.name} regions (${depth + 1})`, trackUuid(t.id, 0));
    }
  }
  const logs = new Map<number, number>();
  const l = annotations.logs;
  for (let i = 0; i < l.count; i++) {
    const t = goroutineTrack.get(l.goroutine[i]);
    if (!t || logs.has(t.resource)) continue;
    logs.set(t.resource, next);
    describe(next++, `${t.name} logs`, trackUuid(t.id, 0));
  }
  return { regions, logs };
}
