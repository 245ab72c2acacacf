// Turns the server's timeline JSON (/api/timeline/tracks, /tile, /flows, /api/stacks/:id,
// produced by parser/analysis/tiles.ts) into the client's in-memory form
// (api/timeline-types.ts). The only client module that knows the wire form.

import type { Flow, SpanTile, CounterTile, TrackInfo, TrackTile, TrackGroup } from '../api/timeline-types.ts';
import type { CounterTrackTile as CounterTrackJson, SpanTrackTile as SpanTrackJson, Tile } from '../../parser/analysis/tiles.ts';

/** GET /api/timeline/tracks */
export interface TracksResponse {
  startTime: number;
  endTime: number;
  /** Set when the timeline covers only the trace's first generations (the whole would not fit in memory). */
  firstPart?: TimelineFirstPart;
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

/** The timeline of a trace's first part: the generations within its first `bytes` of `totalBytes`. */
export interface TimelineFirstPart {
  bytes: number;
  totalBytes: number;
  /** The whole trace's end; the timeline's endTime is the first part's. */
  traceEndTime: number;
}

/** GET /api/timeline/tile: the server's wire form, shared as a type with the tile query. */
export type TileResponse = Tile;

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

function spanTile(raw: SpanTrackJson, strings: string[]): SpanTile {
  return {
    shape: 'spans',
    count: raw.start.length,
    start: Float64Array.from(raw.start),
    end: Float64Array.from(raw.end),
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

function counterTile(raw: CounterTrackJson): CounterTile {
  return {
    shape: 'counter',
    count: raw.time.length,
    time: Float64Array.from(raw.time),
    series: raw.series.map((s) => ({ name: s.name, values: Float64Array.from(s.values) })),
  };
}

/** A tile response → one TrackTile per track id. */
export function normalizeTile(body: TileResponse): Map<string, TrackTile> {
  const out = new Map<string, TrackTile>();
  for (const track of body.tracks) {
    out.set(String(track.id), track.shape === 'counter' ? counterTile(track) : spanTile(track, body.strings));
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
