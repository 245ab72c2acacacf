// Turns the server's timeline JSON (/api/timeline/tracks, /tile, /flows, /api/stacks/:id,
// produced by parser/analysis/tiles.ts; /api/annotations, by server/routes/annotations.ts) into the client's in-memory form
// (api/timeline-types.ts). The only client module that knows the wire form.

import type { AnnotationLanes, Annotations, Flow, SpanTile, CounterTile, TrackInfo, TrackTile, TrackGroup } from '../api/timeline-types.ts';
import type { CounterTrackWire, SpanTrackWire, TileWire } from '../../parser/analysis/tiles.ts';

/** GET /api/timeline/tracks */
export interface TracksResponse {
  startTime: number;
  endTime: number;
  /** Goroutine tracks in the trace; `tracks` lists a page of them. */
  goroutineTrackCount?: number;
  tracks: {
    id: number;
    kind: 'gc' | 'stw' | 'proc' | 'thread' | 'goroutine' | 'counter' | string;
    resource: number;
    name: string;
    lanes: number;
    startFunction?: string;
    system?: boolean;
    series?: string[];
  }[];
}

/**
 * GET /api/timeline/parts: a trace too big for one timeline is shown a part at a time (whole
 * generations: file bytes [startByte, endByte), times in ns); `index` is the part shown. No
 * parts: the timeline covers the whole trace.
 */
export interface PartsResponse {
  index: number;
  parts: { startTime: number; endTime: number; startByte: number; endByte: number }[];
  totalBytes: number;
}

/** GET /api/timeline/tile: the server's wire form (times as deltas), shared as a type with the server. */
export type TileResponse = TileWire;

/** GET /api/timeline/flows: parallel arrays. */
export interface FlowsResponse {
  name: string[];
  fromTime: number[];
  toTime: number[];
  fromG: number[];
  toG: number[];
  truncated?: boolean;
}

function groupOf(kind: string): TrackGroup {
  if (kind === 'proc' || kind === 'thread' || kind === 'goroutine') return kind;
  return 'global';
}

export function normalizeTracks(body: TracksResponse): { tracks: TrackInfo[]; start: number; end: number } {
  const tracks = body.tracks.map((t): TrackInfo => {
    const isGoroutine = t.kind === 'goroutine';
    return {
      id: String(t.id),
      kind: t.kind,
      group: groupOf(t.kind),
      shape: t.kind === 'counter' ? 'counter' : 'spans',
      name: t.name,
      goroutine: isGoroutine ? t.resource : undefined,
      startFunction: t.startFunction,
      system: t.system,
      series: t.series,
      order: t.resource,
      rows: Math.max(1, (isGoroutine ? 1 : 0) + t.lanes),
    };
  });
  return { tracks, start: body.startTime, end: body.endTime };
}

/**
 * Absolute start/end from the wire's deltas: each lane (run of equal depth) starts from
 * `origin`, entry i begins gap[i] after the previous end and lasts duration[i]. Integer sums,
 * so exact.
 */
function spanTimes(raw: SpanTrackWire, origin: number): { start: Float64Array; end: Float64Array } {
  const n = raw.gap.length;
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  let previousEnd = origin;
  for (let i = 0; i < n; i++) {
    if (i > 0 && raw.depth[i] !== raw.depth[i - 1]) previousEnd = origin;
    start[i] = previousEnd + raw.gap[i];
    end[i] = previousEnd = start[i] + raw.duration[i];
  }
  return { start, end };
}

function spanTile(raw: SpanTrackWire, strings: string[], origin: number): SpanTile {
  const { start, end } = spanTimes(raw, origin);
  return {
    shape: 'spans',
    count: raw.gap.length,
    start,
    end,
    depth: Uint8Array.from(raw.depth),
    kind: Int32Array.from(raw.kind),
    label: Int32Array.from(raw.label),
    goroutine: Int32Array.from(raw.goroutine),
    merged: Uint32Array.from(raw.merged),
    startStack: Int32Array.from(raw.startStack),
    endStack: Int32Array.from(raw.endStack),
    strings,
  };
}

function counterTile(raw: CounterTrackWire, origin: number): CounterTile {
  const time = new Float64Array(raw.gap.length);
  let previous = origin;
  for (let i = 0; i < time.length; i++) time[i] = previous += raw.gap[i];
  return {
    shape: 'counter',
    count: time.length,
    time,
    series: raw.series.map((s) => ({ name: s.name, values: Float64Array.from(s.values) })),
  };
}

/** A tile response → one TrackTile per track id. */
export function normalizeTile(body: TileResponse): Map<string, TrackTile> {
  const out = new Map<string, TrackTile>();
  // The server's origin (tiles.ts tileTimeOrigin): ⌊start⌋.
  const origin = Math.floor(body.start);
  for (const track of body.tracks) {
    out.set(String(track.id), track.shape === 'counter' ? counterTile(track, origin) : spanTile(track, body.strings, origin));
  }
  return out;
}

export function normalizeFlows(body: FlowsResponse): Flow[] {
  return body.fromTime.map((fromTime, i) => ({
    kind: body.name[i],
    fromTime,
    fromG: body.fromG[i],
    toTime: body.toTime[i],
    toG: body.toG[i],
  }));
}

/** GET /api/annotations/rows: region rows per goroutine (goroutines without regions absent). */
export interface AnnotationRowsResponse {
  goroutine: number[];
  rows: number[];
}

/** GET /api/annotations: parallel arrays, names and texts as indices into `strings`. */
export interface AnnotationsResponse {
  strings: string[];
  regions: { goroutine: number[]; depth: number[]; start: number[]; end: number[]; name: number[]; task: number[]; startStack: number[]; endStack: number[]; merged: number[] };
  logs: { goroutine: number[]; proc: number[]; thread: number[]; time: number[]; text: number[]; task: number[]; stack: number[]; merged: number[] };
  truncated: boolean;
}

/** Indices grouped by their value in `resources` (a goroutine, proc or thread id). */
function byResource(resources: ArrayLike<number>): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let i = 0; i < resources.length; i++) {
    const list = out.get(resources[i]);
    if (list) list.push(i);
    else out.set(resources[i], [i]);
  }
  return out;
}

export function normalizeAnnotations(body: AnnotationsResponse, logsBy: AnnotationLanes): Annotations {
  const r = body.regions;
  const l = body.logs;
  const regions = {
    count: r.start.length,
    goroutine: Float64Array.from(r.goroutine),
    depth: Uint16Array.from(r.depth),
    start: Float64Array.from(r.start),
    end: Float64Array.from(r.end),
    name: Int32Array.from(r.name),
    task: Float64Array.from(r.task),
    startStack: Uint32Array.from(r.startStack),
    endStack: Uint32Array.from(r.endStack),
    merged: Uint32Array.from(r.merged),
  };
  const logs = {
    count: l.time.length,
    goroutine: Float64Array.from(l.goroutine),
    proc: Float64Array.from(l.proc),
    thread: Float64Array.from(l.thread),
    time: Float64Array.from(l.time),
    text: Int32Array.from(l.text),
    task: Float64Array.from(l.task),
    stack: Uint32Array.from(l.stack),
    merged: Uint32Array.from(l.merged),
  };
  return { strings: body.strings, regions, logs, regionsOf: byResource(regions.goroutine), logsOf: byResource(logs[logsBy]), logsBy, truncated: body.truncated };
}
