// Fetches and caches timeline tiles; never draws. The timeline element asks for what the
// viewport needs (`want`), then draws every frame from whatever is in memory (`spansFor`,
// `counterFor`, …), falling back to coarser or finer cached tiles while new ones load.
//
// Tiles are aligned to a power-of-two resolution grid so panning and zooming reuse them:
// level L means 2^L ns per pixel, and tile i of level L covers [i, i+1) × tilePixels × 2^L ns.
// The wanted range is the visible one padded by a screen on either side.

import type { ApiClient } from './api-client.ts';
import { TASKS_TRACK_ID, type AnnotationLanes, type Annotations, type Flow, type TaskFamily, type TrackInfo, type TrackTile, type TimelineRange } from '../api/timeline-types.ts';
import {
  normalizeAnnotations, normalizeTile, normalizeTracks, normalizeFlows,
  type AnnotationRowsResponse, type AnnotationsResponse, type TracksResponse, type TileResponse, type FlowsResponse,
} from './timeline-adapter.ts';

export const tilePixels = 1024;
const maxInFlight = 4;
const maxCachedTrackTiles = 6000;

export interface Viewport extends TimelineRange {
  widthPx: number;
}

export interface TileRequest {
  level: number;
  index: number;
  trackIds: string[];
}

export function levelFor(nsPerPx: number): number {
  return Math.max(0, Math.floor(Math.log2(Math.max(1, nsPerPx))));
}

export function tileSpan(level: number): number {
  return tilePixels * Math.pow(2, level);
}

/** The tile indices of `level` that cover [start, end). */
export function tileIndices(level: number, start: number, end: number): number[] {
  const span = tileSpan(level);
  const first = Math.floor(Math.max(0, start) / span);
  const last = Math.floor(Math.max(0, end - 1) / span);
  const out: number[] = [];
  for (let i = first; i <= last; i++) out.push(i);
  return out;
}

/** One track's data in one tile, with the tile's time range. */
export interface CachedTile {
  level: number;
  start: number;
  end: number;
  data: TrackTile;
}

export class TimelineData {
  tracks: TrackInfo[] = [];
  /** Goroutine id → start function, to colour goroutines on proc and thread lanes. */
  readonly startFunctions = new Map<number, string>();
  traceStart = 0;
  traceEnd = 0;
  /**
   * Where shown times count from: the trace's start, which is traceStart unless this is a later
   * part of a trace shown a part at a time (the page sets it from the parts).
   */
  timeOrigin: number | null = null;

  /** The time shown times count from (see timeOrigin). */
  get origin(): number {
    return this.timeOrigin ?? this.traceStart;
  }
  tracksError: string | null = null;
  /** Number of tile requests answered so far and bytes received (shown in the status line). */
  stats = { requests: 0, bytes: 0, lastLatencyMs: 0 };

  private readonly cache = new Map<string, CachedTile>();
  private readonly inFlight = new Map<string, AbortController>();
  private queue: TileRequest[] = [];
  private readonly flows = new CoveringFetch<Flow[]>('flows', () => this.onChange());
  private readonly stackCache = new Map<string, Promise<StackFrameLike[]>>();
  private readonly annotations = new CoveringFetch<Annotations>('annotations', () => this.onChange());

  constructor(private readonly api: ApiClient, private readonly onChange: () => void) {}

  /** Goroutine tracks the server has and did not list (it lists a page of them, plus `goroutine`). */
  unlistedGoroutines = 0;

  /**
   * Loads the track list; `goroutines` (at most 100: the server's limit) are listed even when
   * they are not in the server's first page.
   */
  async loadTracks(signal?: AbortSignal, goroutines: readonly number[] = []): Promise<void> {
    const query = goroutines.length === 0 ? '' : `?goroutine=${goroutines.slice(0, 100).join(',')}`;
    // Region rows come from the whole trace's summary; a server without them just draws none.
    const [body, regionRows] = await Promise.all([
      this.api.getJson<TracksResponse>(`/api/timeline/tracks${query}`, signal),
      this.api.getJson<AnnotationRowsResponse>('/api/annotations/rows', signal).catch(() => null),
    ]);
    const { tracks, start, end } = normalizeTracks(body);
    if (regionRows) {
      const rowsOf = new Map(regionRows.goroutine.map((g, i) => [g, regionRows.rows[i]]));
      for (const t of tracks) if (t.group === 'goroutine' && t.goroutine !== undefined) t.regionRows = rowsOf.get(t.goroutine);
    }
    this.tracks = tracks;
    this.unlistedGoroutines = Math.max(0, (body.goroutineTrackCount ?? 0) - tracks.filter((t) => t.group === 'goroutine').length);
    for (const t of tracks) if (t.goroutine !== undefined && t.startFunction) this.startFunctions.set(t.goroutine, t.startFunction);
    this.traceStart = start;
    this.traceEnd = end;
    this.onChange();
  }

  private key(level: number, index: number, trackId: string): string {
    return `${level}:${index}:${trackId}`;
  }

  /**
   * Declares what the viewport needs: every visible track over the visible range padded by a
   * screen either side. Missing tiles are queued (nearest first); stale queued ones are dropped.
   */
  want(viewport: Viewport, wantedIds: readonly string[]): void {
    const trackIds = wantedIds.filter((id) => id !== TASKS_TRACK_ID);
    if (trackIds.length === 0 || viewport.widthPx <= 0) return;
    const width = viewport.end - viewport.start;
    const level = levelFor(width / viewport.widthPx);
    const padded = { start: viewport.start - width, end: viewport.end + width };
    const center = (viewport.start + viewport.end) / 2;
    const span = tileSpan(level);
    const requests: TileRequest[] = [];
    for (const index of tileIndices(level, Math.max(this.traceStart, padded.start), Math.min(this.traceEnd + 1, padded.end))) {
      const missing = trackIds.filter((id) => {
        const k = this.key(level, index, id);
        return !this.cache.has(k) && !this.inFlight.has(k);
      });
      if (missing.length) requests.push({ level, index, trackIds: missing });
    }
    requests.sort((a, b) => Math.abs((a.index + 0.5) * span - center) - Math.abs((b.index + 0.5) * span - center));
    this.queue = requests;
    this.pump();
  }

  private readonly activeRequests = new Set<Promise<void>>();

  private pump(): void {
    while (this.activeRequests.size < maxInFlight && this.queue.length) void this.fetchTile(this.queue.shift()!);
  }

  private fetchTile(request: TileRequest): Promise<void> {
    const span = tileSpan(request.level);
    const start = request.index * span;
    const end = start + span;
    const abort = new AbortController();
    for (const id of request.trackIds) this.inFlight.set(this.key(request.level, request.index, id), abort);
    const url = this.api.url('/api/timeline/tile', {
      tracks: request.trackIds.join(','),
      start,
      end,
      resolution: Math.pow(2, request.level),
    });
    const began = performance.now();
    let promise: Promise<void> | null = null;
    promise = (async () => {
      try {
        const response = await this.api.fetchOk(url, abort.signal);
        const text = await response.text();
        this.stats.requests++;
        this.stats.bytes += text.length;
        this.stats.lastLatencyMs = performance.now() - began;
        const tiles = normalizeTile(JSON.parse(text) as TileResponse);
        for (const id of request.trackIds) {
          const data = tiles.get(id);
          if (data) this.store(this.key(request.level, request.index, id), { level: request.level, start, end, data });
        }
      } catch (err) {
        if (!abort.signal.aborted) console.warn(`timeline tile ${url} failed: ${(err as Error).message}`);
      } finally {
        for (const id of request.trackIds) this.inFlight.delete(this.key(request.level, request.index, id));
        if (promise) this.activeRequests.delete(promise);
        this.onChange();
        this.pump();
      }
    })();
    this.activeRequests.add(promise);
    return promise;
  }

  private store(key: string, tile: CachedTile): void {
    this.cache.delete(key);
    this.cache.set(key, tile);
    while (this.cache.size > maxCachedTrackTiles) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
  }

  /** True while tiles are loading or queued (for the status line). */
  get busy(): boolean {
    return this.activeRequests.size > 0 || this.queue.length > 0;
  }

  /**
   * The best tiles in memory for a track over a range at a resolution: the requested level if
   * it covers the range, else the nearest other level that has data, so nothing blinks out
   * while loading. Returns tiles in time order.
   */
  tilesFor(trackId: string, range: TimelineRange, nsPerPx: number): CachedTile[] {
    const wanted = levelFor(nsPerPx);
    const candidates = [wanted];
    for (let d = 1; d <= 12; d++) candidates.push(wanted + d, wanted - d);
    let best: CachedTile[] = [];
    for (const level of candidates) {
      if (level < 0) continue;
      const found: CachedTile[] = [];
      let complete = true;
      for (const index of tileIndices(level, Math.max(this.traceStart, range.start), Math.min(this.traceEnd + 1, range.end))) {
        const tile = this.cache.get(this.key(level, index, trackId));
        if (tile) found.push(tile);
        else complete = false;
      }
      if (complete && found.length) return found;
      if (found.length > best.length) best = found;
    }
    return best;
  }

  /** Flows (creations and unblockings) overlapping a range; fetched once per range. */
  flowsIn(range: TimelineRange): Flow[] {
    const load = (span: TimelineRange) => this.api.getJson<FlowsResponse>(this.api.url('/api/timeline/flows', { start: span.start, end: span.end })).then(normalizeFlows);
    return this.flows.get(range, this.bounds, '', '', load) ?? [];
  }

  /**
   * User regions and logs overlapping a range at the resolution drawn; fetched once per range
   * and resolution level (marks closer than a pixel come merged), like flows. Until a new level
   * arrives the old one is drawn (slightly off in merging only), not another view's lanes.
   */
  annotationsIn(range: TimelineRange, nsPerPx: number, logsBy: AnnotationLanes): Annotations | null {
    const level = levelFor(nsPerPx);
    const load = (span: TimelineRange) =>
      this.api.getJson<AnnotationsResponse>(this.api.url('/api/annotations', { ...span, resolution: Math.pow(2, level), logsBy })).then((body) => normalizeAnnotations(body, logsBy));
    return this.annotations.get(range, this.bounds, `${level}:${logsBy}`, logsBy, load);
  }

  /** The trace's time span: what a range fetched around the view is clipped to. */
  private get bounds(): TimelineRange {
    return { start: this.traceStart, end: this.traceEnd };
  }

  /** Task `id` with its descendants and their goroutines, for a task's view. */
  taskFamily(id: number): Promise<TaskFamily> {
    return this.api.getJson<TaskFamily>(`/api/annotations/tasks/${id}`);
  }

  /**
   * Stack frames by id, fetched once. `scope` 'trace': an id into the whole trace's tables (user
   * annotations come from the summary); else the shown timeline's (a part has tables of its own).
   */
  stack(id: number, scope: 'timeline' | 'trace' = 'timeline'): Promise<StackFrameLike[]> {
    const key = `${scope}:${id}`;
    let pending = this.stackCache.get(key);
    if (!pending) {
      pending = this.api.getJson<unknown>(scope === 'trace' ? `/api/annotations/stacks/${id}` : `/api/stacks/${id}`).then(normalizeStack);
      pending.catch(() => this.stackCache.delete(key));
      this.stackCache.set(key, pending);
    }
    return pending;
  }

  dispose(): void {
    for (const abort of this.inFlight.values()) abort.abort();
    this.inFlight.clear();
    this.queue = [];
    this.cache.clear();
  }
}

export interface StackFrameLike {
  func: string;
  file: string;
  line: number;
}

function normalizeStack(body: unknown): StackFrameLike[] {
  const frames = Array.isArray(body) ? body : (body as { frames?: unknown[] }).frames ?? [];
  return frames.map((f) => {
    const frame = f as Record<string, unknown>;
    return {
      func: String(frame.func ?? frame.function ?? frame.fn ?? '?'),
      file: String(frame.file ?? ''),
      line: Number(frame.line ?? 0),
    };
  });
}

/**
 * One answer for a time range at a time (flows, annotations): fetched for the range asked for
 * padded by its width either side (clipped to the trace), then reused while it covers the range
 * drawn and was fetched for the same `exact` variant. While a new one loads, the old one is
 * returned if its `compatible` key matches, else null.
 */
class CoveringFetch<T> {
  private cached: { range: TimelineRange; exact: string; compatible: string; value: T } | null = null;
  private pending: string | null = null;

  constructor(private readonly what: string, private readonly onChange: () => void) {}

  get(range: TimelineRange, bounds: TimelineRange, exact: string, compatible: string, load: (span: TimelineRange) => Promise<T>): T | null {
    const cached = this.cached;
    if (cached && cached.exact === exact && cached.range.start <= range.start && cached.range.end >= range.end) return cached.value;
    const width = range.end - range.start;
    const padded = { start: Math.max(bounds.start, range.start - width), end: Math.min(bounds.end, range.end + width) };
    const span = { start: Math.floor(padded.start), end: Math.ceil(padded.end) };
    const key = `${span.start}:${span.end}:${exact}`;
    if (this.pending !== key && span.end > span.start) {
      this.pending = key;
      load(span)
        .then((value) => {
          if (this.pending !== key) return;
          this.cached = { range: padded, exact, compatible, value };
          this.onChange();
        })
        .catch((err: Error) => console.warn(`timeline ${this.what} failed: ${err.message}`));
    }
    return cached && cached.compatible === compatible ? cached.value : null;
  }
}
