// Turns the server's timeline JSON (docs/api.md, "Timeline and exports") into the client's
// in-memory form (api/timeline-types.ts). The only module that knows the wire form.

import type { Flow, SpanTile, CounterTile, InstantTile, TrackInfo, TrackTile, TrackGroup, TrackShape } from '../api/timeline-types.ts';

type Json = Record<string, unknown>;

export type TracksResponse = unknown;

const num = (v: unknown, fallback = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : v === undefined || v === null ? fallback : String(v));
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function groupOf(kind: string): TrackGroup {
  if (kind.startsWith('proc')) return 'proc';
  if (kind.startsWith('thread')) return 'thread';
  if (kind.startsWith('goroutine') && kind !== 'goroutines') return 'goroutine';
  return 'global';
}

function shapeOf(kind: string, raw: Json): TrackShape {
  const shape = str(raw.shape ?? raw.type);
  if (shape === 'counter' || shape === 'spans' || shape === 'instants') return shape;
  if (kind === 'counter' || Array.isArray(raw.series) || ['heap', 'goroutines', 'threads'].includes(kind)) return 'counter';
  if (kind.includes('sample') || kind === 'instants') return 'instants';
  return 'spans';
}

export function normalizeTrack(raw: Json): TrackInfo {
  const kind = str(raw.kind ?? raw.group);
  const group = groupOf(kind);
  const goroutine = raw.goroutine ?? raw.g ?? (group === 'goroutine' ? raw.resourceId ?? raw.resource : undefined);
  const order = num(raw.order ?? raw.resourceId ?? raw.resource ?? goroutine ?? raw.proc ?? raw.thread, 0);
  return {
    id: str(raw.id),
    group,
    shape: shapeOf(kind, raw),
    name: str(raw.name ?? raw.label ?? raw.id),
    goroutine: typeof goroutine === 'number' ? goroutine : undefined,
    startFunction: typeof raw.startFunction === 'string' ? raw.startFunction : typeof raw.function === 'string' ? raw.function : undefined,
    series: Array.isArray(raw.series) ? raw.series.map((s) => (typeof s === 'string' ? s : str((s as Json).name))) : undefined,
    order,
  };
}

export function normalizeTracks(body: unknown): { tracks: TrackInfo[]; start: number; end: number } {
  const b = (Array.isArray(body) ? { tracks: body } : body) as Json;
  const tracks = arr(b.tracks).map((t) => normalizeTrack(t as Json));
  return { tracks, start: num(b.start ?? b.startTime, 0), end: num(b.end ?? b.endTime ?? b.durationNs, 0) };
}

function f64(v: unknown, n: number): Float64Array {
  const a = arr(v);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = num(a[i]);
  return out;
}

function i32(v: unknown, n: number, fallback: number): Int32Array {
  const a = arr(v);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = a.length ? num(a[i], fallback) : fallback;
  return out;
}

function spanTile(raw: Json, strings: string[]): SpanTile {
  const starts = arr(raw.start ?? raw.starts);
  const n = starts.length;
  const start = f64(starts, n);
  let end: Float64Array;
  if (raw.end ?? raw.ends) end = f64(raw.end ?? raw.ends, n);
  else {
    const dur = f64(raw.duration ?? raw.dur, n);
    end = new Float64Array(n);
    for (let i = 0; i < n; i++) end[i] = start[i] + dur[i];
  }
  // Labels: an array of names, or indexes into the tile's string table.
  const rawLabels = arr(raw.state ?? raw.label ?? raw.name ?? raw.names);
  const labels: string[] = [];
  const labelIndex = new Map<string, number>();
  const label = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = rawLabels[i];
    const text = typeof v === 'number' ? (strings[v] ?? String(v)) : str(v);
    let id = labelIndex.get(text);
    if (id === undefined) {
      id = labels.length;
      labels.push(text);
      labelIndex.set(text, id);
    }
    label[i] = id;
  }
  const merged = new Uint32Array(n);
  const rawMerged = arr(raw.merged ?? raw.count);
  for (let i = 0; i < n; i++) merged[i] = rawMerged.length ? num(rawMerged[i], 1) : 1;
  return {
    shape: 'spans',
    count: n,
    start,
    end,
    label,
    labels,
    goroutine: i32(raw.goroutine ?? raw.g ?? raw.goroutines, n, -1),
    merged,
    startStack: i32(raw.startStack ?? raw.stack, n, 0),
    endStack: i32(raw.endStack, n, 0),
  };
}

function counterTile(raw: Json): CounterTile {
  const time = arr(raw.time ?? raw.times ?? raw.start);
  const n = time.length;
  const seriesRaw = raw.series ?? raw.values;
  const series: CounterTile['series'] = [];
  if (Array.isArray(seriesRaw)) {
    for (const s of seriesRaw) series.push({ name: str((s as Json).name), values: f64((s as Json).values, n) });
  } else if (seriesRaw && typeof seriesRaw === 'object') {
    for (const [name, values] of Object.entries(seriesRaw as Json)) series.push({ name, values: f64(values, n) });
  } else if (raw.value) {
    series.push({ name: 'value', values: f64(raw.value, n) });
  }
  return { shape: 'counter', count: n, time: f64(time, n), series };
}

function instantTile(raw: Json): InstantTile {
  const time = arr(raw.time ?? raw.times ?? raw.start);
  const n = time.length;
  return { shape: 'instants', count: n, time: f64(time, n), goroutine: i32(raw.goroutine ?? raw.g, n, -1), stack: i32(raw.stack, n, 0) };
}

/** A tile response → one TrackTile per track id. */
export function normalizeTile(body: unknown): Map<string, TrackTile> {
  const b = body as Json;
  const strings = arr(b.strings ?? b.names).map((s) => str(s));
  const out = new Map<string, TrackTile>();
  const tracks = b.tracks;
  const entries: [string, Json][] = Array.isArray(tracks)
    ? tracks.map((t) => [str((t as Json).id ?? (t as Json).track), t as Json])
    : Object.entries((tracks ?? {}) as Json).map(([id, t]) => [id, t as Json]);
  for (const [id, raw] of entries) {
    const shape = str(raw.shape ?? raw.type ?? raw.kind);
    if (shape === 'counter' || raw.series || raw.values) out.set(id, counterTile(raw));
    else if (shape === 'instants' || shape === 'samples') out.set(id, instantTile(raw));
    else out.set(id, spanTile(raw, strings));
  }
  return out;
}

export function normalizeFlows(body: unknown): Flow[] {
  const b = body as Json;
  const list = Array.isArray(body) ? body : b.flows;
  if (Array.isArray(list)) {
    return list.map((f) => {
      const r = f as Json;
      return {
        kind: str(r.kind ?? r.type, 'unblock'),
        fromTime: num(r.fromTime ?? r.from ?? r.time),
        fromG: num(r.fromG ?? r.fromGoroutine ?? r.source, -1),
        toTime: num(r.toTime ?? r.to ?? r.time),
        toG: num(r.toG ?? r.toGoroutine ?? r.target, -1),
      };
    });
  }
  // Columnar form: parallel arrays.
  const fromTime = arr(b.fromTime);
  return fromTime.map((_, i) => ({
    kind: str(arr(b.kind)[i], 'unblock'),
    fromTime: num(fromTime[i]),
    fromG: num(arr(b.fromG)[i], -1),
    toTime: num(arr(b.toTime)[i]),
    toG: num(arr(b.toG)[i], -1),
  }));
}
