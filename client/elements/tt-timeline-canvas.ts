// The timeline drawn on a canvas. It draws, every animation frame, whatever the TimelineData
// controller holds in memory, and tells the controller which tiles the viewport needs; it
// never fetches itself. Input: wheel zooms at the cursor (shift+wheel scrolls lanes), drag
// pans, W/S zoom and A/D pan while held, click selects a span.

import { LitElement, html, css } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { TimelineData, CachedTile } from '../controllers/timeline-data.ts';
import { TASKS_TRACK_ID, type AnnotationLanes, type Annotations, type Flow, type SpanTile, type CounterTile, type InstantTile, type TaskMark, type TrackInfo, type TimelineRange } from '../api/timeline-types.ts';
import { colorForName, colorForState } from '../lib/colors.ts';
import { shortDuration, bytes } from '../lib/duration.ts';
import { percentile } from '../lib/stats.ts';

export interface SpanSelection {
  trackId: string;
  laneName: string;
  group: TrackInfo['group'];
  start: number;
  end: number;
  /** What the span shows: "G12 main.worker", "waiting (chan receive)", a GC range name. */
  label: string;
  /** Goroutine state or slice kind (see SpanTile.kind). */
  kind: string;
  /** Row within the lane. */
  depth: number;
  goroutine: number;
  merged: number;
  startStack: number;
  endStack: number;
  /** 'trace': the stacks are ids into the whole trace's tables (user regions and logs). */
  stackScope?: 'trace';
  /** User regions and logs: their task (0: none). */
  task?: number;
}

interface LaneLayout {
  track: TrackInfo;
  /** Top in content coordinates (pinned lanes: from the ruler; others: from the scrolled area's top). */
  top: number;
  height: number;
  pinned: boolean;
  /** Position in the lane list (for alternating backgrounds). */
  index: number;
}

export interface FrameStats {
  frames: number;
  drawMsAvg: number;
  drawMsP95: number;
  intervalMsAvg: number;
}

const rulerHeight = 26;
const gutterWidth = 190;
const scrollbarWidth = 14;
const rowHeight = 18;
const counterHeight = 44;
const instantsHeight = 16;
const minRangeNs = 200;
const keyZoomPerSecond = 2.6;
const keyPanPerSecond = 0.9;

function laneHeight(track: TrackInfo): number {
  if (track.shape === 'counter') return counterHeight;
  if (track.shape === 'instants') return instantsHeight;
  return (track.rows + (track.regionRows ?? 0)) * rowHeight + 3;
}

/** Log markers: a small triangle hanging from the lane's top edge. */
const logMarkHeight = 6;

/** How far time `t` is from the interval [start, end] (0 inside it): what a click is nearest to. */
function intervalDistance(t: number, start: number, end: number): number {
  return t < start ? start - t : t > end ? t - end : 0;
}

export function regionSelection(track: TrackInfo, a: Annotations, i: number): SpanSelection {
  const r = a.regions;
  return {
    trackId: track.id,
    laneName: track.name,
    group: track.group,
    start: r.start[i],
    end: r.end[i],
    label: a.strings[r.name[i]],
    kind: 'region',
    depth: track.rows + r.depth[i],
    goroutine: r.goroutine[i],
    merged: r.merged[i],
    startStack: r.startStack[i],
    endStack: r.endStack[i],
    stackScope: 'trace',
    task: r.task[i],
  };
}

export function taskSelection(track: TrackInfo, task: TaskMark): SpanSelection {
  return {
    trackId: track.id,
    laneName: track.name,
    group: track.group,
    start: task.start,
    end: task.end,
    label: `T${task.id} ${task.name}`,
    kind: 'task',
    depth: task.row,
    goroutine: -1,
    merged: 1,
    startStack: task.startStack,
    endStack: task.endStack,
    stackScope: 'trace',
    task: task.id,
  };
}

export function logSelection(track: TrackInfo, a: Annotations, i: number): SpanSelection {
  const l = a.logs;
  return {
    trackId: track.id,
    laneName: track.name,
    group: track.group,
    start: l.time[i],
    end: l.time[i],
    label: a.strings[l.text[i]],
    kind: 'log',
    depth: 0,
    goroutine: l.goroutine[i],
    merged: l.merged[i],
    startStack: l.stack[i],
    endStack: 0,
    stackScope: 'trace',
    task: l.task[i],
  };
}

/** The text a span shows: goroutine slices carry their name, states their reason. */
export function spanText(tile: SpanTile, i: number): string {
  const kind = tile.strings[tile.kind[i]];
  const label = tile.strings[tile.label[i]];
  if (kind === 'goroutine' || kind === 'range') return label || kind;
  return label ? `${kind} (${label})` : kind;
}

export function selectionOf(track: TrackInfo, spans: SpanTile, i: number): SpanSelection {
  return {
    trackId: track.id,
    laneName: track.name,
    group: track.group,
    start: spans.start[i],
    end: spans.end[i],
    label: spanText(spans, i),
    kind: spans.strings[spans.kind[i]],
    depth: spans.depth[i],
    goroutine: spans.goroutine[i],
    merged: spans.merged[i],
    startStack: spans.startStack[i],
    endStack: spans.endStack[i],
  };
}

@customElement('tt-timeline-canvas')
export class TtTimelineCanvas extends LitElement {
  static override styles = css`
    :host { display: block; position: relative; outline: none; min-height: 200px; }
    .wrap { position: absolute; inset: 0; overflow: hidden; }
    canvas { position: absolute; left: 0; top: 0; cursor: grab; touch-action: none; outline: none; }
    canvas.dragging { cursor: grabbing; }
    .vscroll { position: absolute; right: 0; bottom: 0; width: ${scrollbarWidth}px; overflow-y: scroll; overflow-x: hidden; }
    .spacer { width: 1px; }
  `;

  @property({ attribute: false }) data!: TimelineData;
  @property({ attribute: false }) lanes: TrackInfo[] = [];
  @property({ attribute: false }) range: TimelineRange = { start: 0, end: 1 };
  @property({ attribute: false }) selection: SpanSelection | null = null;
  @property({ attribute: false }) highlightGoroutine: number | null = null;
  @property({ type: Boolean }) showAllFlows = false;
  /** The Tasks lane's tasks (a task in focus and its descendants); drawn where that lane is. */
  @property({ attribute: false }) tasks: readonly TaskMark[] = [];

  @query('canvas') private canvas!: HTMLCanvasElement;
  @query('.vscroll') private scroller!: HTMLDivElement;
  @query('.spacer') private spacer!: HTMLDivElement;

  private ctx: CanvasRenderingContext2D | null = null;
  private cssWidth = 0;
  private cssHeight = 0;
  private dpr = 1;
  private scrollY = 0;
  private layout: LaneLayout[] = [];
  private pinnedHeight = 0;
  private contentHeight = 0;
  private dirty = true;
  private frameHandle = 0;
  private lastFrameTime = 0;
  private wantKey = '';
  private pointer: { x: number; y: number } | null = null;
  private drag: { x: number; y: number; start: number; end: number; scroll: number; moved: boolean } | null = null;
  private readonly keysHeld = new Set<string>();
  private readonly colorCache = new Map<string, string>();
  private resizeObserver: ResizeObserver | null = null;
  private readonly drawTimes: number[] = [];
  private frameTicks: number[] = [];
  private readonly frameIntervals: number[] = [];

  override render() {
    return html`<div class="wrap">
      <canvas
        tabindex="0"
        aria-label="Trace timeline"
        @pointerdown=${this.onPointerDown}
        @pointermove=${this.onPointerMove}
        @pointerup=${this.onPointerUp}
        @pointerleave=${this.onPointerLeave}
        @wheel=${this.onWheel}
        @keydown=${this.onKeyDown}
        @keyup=${this.onKeyUp}
        @blur=${() => this.keysHeld.clear()}
      ></canvas>
      <div class="vscroll" @scroll=${this.onScroll}><div class="spacer"></div></div>
    </div>`;
  }

  override firstUpdated(): void {
    this.ctx = this.canvas.getContext('2d');
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this);
    this.resize();
    this.frameHandle = requestAnimationFrame(this.frame);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    cancelAnimationFrame(this.frameHandle);
    this.resizeObserver?.disconnect();
  }

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('lanes')) this.computeLayout();
    this.invalidate();
  }

  /** Marks the picture stale; the next animation frame redraws it. */
  invalidate(): void {
    this.dirty = true;
  }

  focusCanvas(): void {
    this.canvas?.focus();
  }

  /** Draw-time statistics since the last reset (the browser test reports them). */
  frameStats(reset = false): FrameStats {
    const sorted = [...this.drawTimes].sort((a, b) => a - b);
    const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
    const stats = {
      frames: this.drawTimes.length,
      drawMsAvg: avg(this.drawTimes),
      drawMsP95: percentile(sorted, 95),
      intervalMsAvg: avg(this.frameIntervals),
    };
    if (reset) {
      this.drawTimes.length = 0;
      this.frameIntervals.length = 0;
    }
    return stats;
  }

  /** Scrolls so that the lane with this track id is visible. */
  revealTrack(trackId: string): void {
    const lane = this.layout.find((l) => l.track.id === trackId);
    if (!lane || lane.pinned || !this.scroller) return;
    const visible = this.cssHeight - rulerHeight - this.pinnedHeight;
    if (lane.top < this.scrollY || lane.top + lane.height > this.scrollY + visible) {
      this.scroller.scrollTop = Math.max(0, lane.top - visible / 3);
      this.scrollY = this.scroller.scrollTop;
      this.invalidate();
    }
  }

  private computeLayout(): void {
    const layout: LaneLayout[] = [];
    let pinnedTop = 0;
    let top = 0;
    for (const track of this.lanes) {
      const height = laneHeight(track);
      const pinned = track.group === 'global';
      if (pinned) {
        layout.push({ track, top: pinnedTop, height, pinned, index: layout.length });
        pinnedTop += height;
      } else {
        layout.push({ track, top, height, pinned, index: layout.length });
        top += height;
      }
    }
    this.layout = layout;
    this.pinnedHeight = pinnedTop;
    this.contentHeight = top;
    this.syncScroller();
  }

  private syncScroller(): void {
    if (!this.scroller) return;
    this.scroller.style.top = `${rulerHeight + this.pinnedHeight}px`;
    this.spacer.style.height = `${this.contentHeight}px`;
  }

  private resize(): void {
    const rect = this.getBoundingClientRect();
    this.dpr = window.devicePixelRatio || 1;
    this.cssWidth = Math.max(100, Math.floor(rect.width));
    this.cssHeight = Math.max(100, Math.floor(rect.height));
    const canvas = this.canvas;
    canvas.style.width = `${this.cssWidth - scrollbarWidth}px`;
    canvas.style.height = `${this.cssHeight}px`;
    canvas.width = Math.round((this.cssWidth - scrollbarWidth) * this.dpr);
    canvas.height = Math.round(this.cssHeight * this.dpr);
    this.syncScroller();
    this.invalidate();
  }

  private get trackWidth(): number {
    return Math.max(1, this.cssWidth - scrollbarWidth - gutterWidth);
  }

  private get nsPerPx(): number {
    return (this.range.end - this.range.start) / this.trackWidth;
  }

  private timeToX(t: number): number {
    return gutterWidth + (t - this.range.start) / this.nsPerPx;
  }

  private xToTime(x: number): number {
    return this.range.start + (x - gutterWidth) * this.nsPerPx;
  }

  /** Proposes a new range (clamped) to the page, which owns the range and the URL. */
  private setRange(start: number, end: number): void {
    const data = this.data;
    const total = Math.max(minRangeNs, data.traceEnd - data.traceStart);
    let width = Math.min(total * 1.2, Math.max(minRangeNs, end - start));
    const center = (start + end) / 2;
    start = center - width / 2;
    const lo = data.traceStart - total * 0.1;
    const hi = data.traceEnd + total * 0.1;
    if (start < lo) start = lo;
    if (start + width > hi) start = Math.max(lo, hi - width);
    width = Math.min(width, hi - lo);
    this.range = { start, end: start + width };
    this.dispatchEvent(new CustomEvent('range-change', { detail: this.range }));
    this.invalidate();
  }

  private zoomAt(x: number, factor: number): void {
    const anchor = this.xToTime(Math.min(Math.max(x, gutterWidth), gutterWidth + this.trackWidth));
    const start = anchor - (anchor - this.range.start) * factor;
    const end = anchor + (this.range.end - anchor) * factor;
    this.setRange(start, end);
  }

  private panBy(ns: number): void {
    this.setRange(this.range.start + ns, this.range.end + ns);
  }

  // ---- input ---------------------------------------------------------------------------

  private onWheel(event: WheelEvent): void {
    event.preventDefault();
    const scale = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? this.cssHeight : 1;
    const dy = event.deltaY * scale;
    const dx = event.deltaX * scale;
    const x = event.offsetX;
    if (event.shiftKey || x < gutterWidth) {
      this.scroller.scrollTop += dy || dx;
      return;
    }
    if (Math.abs(dx) > Math.abs(dy)) {
      this.panBy(dx * this.nsPerPx);
      return;
    }
    this.zoomAt(x, Math.exp(dy * 0.0025));
  }

  private onScroll(): void {
    this.scrollY = this.scroller.scrollTop;
    this.invalidate();
  }

  private onPointerDown(event: PointerEvent): void {
    if (event.button !== 0) return;
    this.canvas.focus();
    this.canvas.setPointerCapture(event.pointerId);
    this.drag = { x: event.offsetX, y: event.offsetY, start: this.range.start, end: this.range.end, scroll: this.scrollY, moved: false };
  }

  private onPointerMove(event: PointerEvent): void {
    this.pointer = { x: event.offsetX, y: event.offsetY };
    const drag = this.drag;
    if (drag) {
      const dx = event.offsetX - drag.x;
      const dy = event.offsetY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) > 3) {
        drag.moved = true;
        this.canvas.classList.add('dragging');
      }
      if (drag.moved) {
        const shift = dx * ((drag.end - drag.start) / this.trackWidth);
        this.setRange(drag.start - shift, drag.end - shift);
        this.scroller.scrollTop = drag.scroll - dy;
      }
    }
    this.invalidate();
  }

  private onPointerUp(event: PointerEvent): void {
    const drag = this.drag;
    this.drag = null;
    this.canvas.classList.remove('dragging');
    if (drag && !drag.moved) this.select(this.hitTest(event.offsetX, event.offsetY));
  }

  private onPointerLeave(): void {
    this.pointer = null;
    this.invalidate();
  }

  private onKeyDown(event: KeyboardEvent): void {
    const key = event.key.toLowerCase();
    if (['w', 's', 'a', 'd'].includes(key)) {
      this.keysHeld.add(key);
      event.preventDefault();
      this.invalidate();
    } else if (key === 'f' && this.selection) {
      this.fitSelection();
    } else if (key === '0') {
      this.fitAll();
    } else if (key === 'escape') {
      this.select(null);
    }
  }

  private onKeyUp(event: KeyboardEvent): void {
    this.keysHeld.delete(event.key.toLowerCase());
  }

  fitAll(): void {
    this.setRange(this.data.traceStart, this.data.traceEnd);
  }

  fitSelection(): void {
    const s = this.selection;
    if (!s) return;
    const margin = Math.max((s.end - s.start) * 0.15, minRangeNs);
    this.setRange(s.start - margin, s.end + margin);
  }

  private select(selection: SpanSelection | null): void {
    this.selection = selection;
    this.dispatchEvent(new CustomEvent('span-select', { detail: selection }));
    this.invalidate();
  }

  // ---- geometry ------------------------------------------------------------------------

  /** Lane under a canvas y coordinate, with its top on screen. */
  private laneAt(y: number): { lane: LaneLayout; screenTop: number } | null {
    if (y < rulerHeight) return null;
    for (const lane of this.layout) {
      const screenTop = this.screenTop(lane);
      if (lane.pinned || screenTop >= rulerHeight + this.pinnedHeight) {
        if (y >= screenTop && y < screenTop + lane.height) return { lane, screenTop };
      }
    }
    return null;
  }

  private screenTop(lane: LaneLayout): number {
    return lane.pinned ? rulerHeight + lane.top : rulerHeight + this.pinnedHeight + lane.top - this.scrollY;
  }

  private hitTest(x: number, y: number): SpanSelection | null {
    if (x < gutterWidth) return null;
    const hit = this.laneAt(y);
    if (!hit || hit.lane.track.shape !== 'spans') return null;
    const t = this.xToTime(x);
    const tolerance = 2 * this.nsPerPx;
    const track = hit.lane.track;
    const depth = Math.max(0, Math.floor((y - hit.screenTop - 1) / rowHeight));
    if (track.id === TASKS_TRACK_ID) return this.taskAt(track, t, tolerance, depth);
    const annotation = this.annotationAt(track, t, tolerance, depth, y - hit.screenTop);
    if (annotation !== undefined) return annotation;
    let best: SpanSelection | null = null;
    let bestDistance = Infinity;
    for (const tile of this.data.tilesFor(track.id, { start: t - tolerance, end: t + tolerance }, this.nsPerPx)) {
      if (tile.data.shape !== 'spans') continue;
      const spans = tile.data;
      for (let i = 0; i < spans.count; i++) {
        if (spans.depth[i] !== depth) continue;
        const distance = intervalDistance(t, spans.start[i], spans.end[i]);
        if (distance <= tolerance && distance < bestDistance) {
          bestDistance = distance;
          best = selectionOf(track, spans, i);
        }
      }
    }
    return best;
  }

  private taskAt(track: TrackInfo, t: number, tolerance: number, depth: number): SpanSelection | null {
    let best: TaskMark | null = null;
    let bestDistance = Infinity;
    for (const task of this.tasks) {
      if (task.row !== depth) continue;
      const distance = intervalDistance(t, task.start, task.end);
      if (distance <= tolerance && distance < bestDistance) {
        best = task;
        bestDistance = distance;
      }
    }
    return best ? taskSelection(track, best) : null;
  }

  /**
   * Which lanes log messages go on: the view's (the first lane that is not global says which);
   * go tool trace's proc and thread views draw them on the proc or thread they were written on.
   */
  private get logLanes(): AnnotationLanes {
    const group = this.layout.find((l) => l.track.group !== 'global')?.track.group;
    return group === 'proc' || group === 'thread' ? group : 'goroutine';
  }

  /** The resource whose log messages a lane shows (goroutine, proc or thread id), or null. */
  private logResource(track: TrackInfo): number | null {
    if (track.group === 'goroutine') return track.goroutine ?? null;
    return track.group === 'proc' || track.group === 'thread' ? track.order : null;
  }

  /**
   * The user region or log under the pointer: undefined when the pointer is not over a lane's
   * region rows or log markers (the lane's own spans are hit-tested then).
   */
  private annotationAt(track: TrackInfo, t: number, tolerance: number, depth: number, yInLane: number): SpanSelection | null | undefined {
    const resource = this.logResource(track);
    if (resource === null) return undefined;
    const annotations = this.data.annotationsIn(this.range, this.nsPerPx, this.logLanes);
    if (!annotations) return depth >= track.rows ? null : undefined;
    if (yInLane < logMarkHeight + 1) {
      let best = -1;
      let bestDistance = Infinity;
      for (const i of annotations.logsOf.get(resource) ?? []) {
        const distance = Math.abs(annotations.logs.time[i] - t);
        if (distance <= 2 * tolerance && distance < bestDistance) {
          best = i;
          bestDistance = distance;
        }
      }
      if (best >= 0) return logSelection(track, annotations, best);
    }
    if (depth < track.rows || track.group !== 'goroutine') return undefined;
    const row = depth - track.rows;
    const r = annotations.regions;
    let best = -1;
    let bestDistance = Infinity;
    for (const i of annotations.regionsOf.get(resource) ?? []) {
      if (r.depth[i] !== row) continue;
      const distance = intervalDistance(t, r.start[i], r.end[i]);
      if (distance <= tolerance && distance < bestDistance) {
        best = i;
        bestDistance = distance;
      }
    }
    return best >= 0 ? regionSelection(track, annotations, best) : null;
  }

  // ---- drawing -------------------------------------------------------------------------

  private readonly frame = (now: number): void => {
    this.frameHandle = requestAnimationFrame(this.frame);
    const dt = this.lastFrameTime ? Math.min(0.1, (now - this.lastFrameTime) / 1000) : 0;
    if (this.lastFrameTime && this.dirty) this.frameIntervals.push(now - this.lastFrameTime);
    this.lastFrameTime = now;
    this.applyHeldKeys(dt);
    if (!this.dirty || !this.ctx || !this.data) return;
    this.dirty = false;
    const began = performance.now();
    this.requestVisibleTiles();
    this.draw(this.ctx);
    this.drawTimes.push(performance.now() - began);
    if (this.drawTimes.length > 2000) this.drawTimes.splice(0, 1000);
    if (this.frameIntervals.length > 2000) this.frameIntervals.splice(0, 1000);
  };

  private applyHeldKeys(dt: number): void {
    if (!this.keysHeld.size || dt === 0) return;
    const anchorX = this.pointer && this.pointer.x > gutterWidth ? this.pointer.x : gutterWidth + this.trackWidth / 2;
    if (this.keysHeld.has('w')) this.zoomAt(anchorX, Math.exp(-keyZoomPerSecond * dt));
    if (this.keysHeld.has('s')) this.zoomAt(anchorX, Math.exp(keyZoomPerSecond * dt));
    const width = this.range.end - this.range.start;
    if (this.keysHeld.has('a')) this.panBy(-width * keyPanPerSecond * dt);
    if (this.keysHeld.has('d')) this.panBy(width * keyPanPerSecond * dt);
  }

  private visibleLanes(): { lane: LaneLayout; screenTop: number }[] {
    const out: { lane: LaneLayout; screenTop: number }[] = [];
    const scrolledTop = rulerHeight + this.pinnedHeight;
    for (const lane of this.layout) {
      const top = this.screenTop(lane);
      if (lane.pinned) out.push({ lane, screenTop: top });
      else if (top + lane.height > scrolledTop && top < this.cssHeight) out.push({ lane, screenTop: top });
    }
    return out;
  }

  /** Tells the controller what the viewport needs, when that changes. */
  private requestVisibleTiles(): void {
    const ids = this.visibleLanes().map((v) => v.lane.track.id);
    const key = `${this.range.start}:${this.range.end}:${this.trackWidth}:${ids.join(',')}`;
    if (key === this.wantKey) return;
    this.wantKey = key;
    this.data.want({ start: this.range.start, end: this.range.end, widthPx: this.trackWidth }, ids);
  }

  private color(key: string, make: () => string): string {
    let c = this.colorCache.get(key);
    if (!c) {
      c = make();
      this.colorCache.set(key, c);
    }
    return c;
  }

  private draw(ctx: CanvasRenderingContext2D): void {
    const { dpr, cssHeight } = this;
    const width = this.cssWidth - scrollbarWidth;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, cssHeight);
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';

    this.frameTicks = this.ticks().times;
    const visible = this.visibleLanes();
    const scrolledTop = rulerHeight + this.pinnedHeight;
    // Scrolled lanes first, clipped below the pinned ones; then pinned lanes on top.
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, scrolledTop, width, cssHeight - scrolledTop);
    ctx.clip();
    for (const v of visible) if (!v.lane.pinned) this.drawLane(ctx, v.lane, v.screenTop);
    ctx.restore();
    for (const v of visible) if (v.lane.pinned) this.drawLane(ctx, v.lane, v.screenTop);
    if (this.pinnedHeight) {
      ctx.fillStyle = '#b9c2cf';
      ctx.fillRect(0, scrolledTop - 1, width, 1);
    }

    ctx.save();
    ctx.beginPath();
    ctx.rect(gutterWidth, rulerHeight, this.trackWidth, cssHeight - rulerHeight);
    ctx.clip();
    this.drawFlows(ctx, visible);
    this.drawSelection(ctx, visible);
    ctx.restore();

    this.drawRuler(ctx, width);
    this.drawPointer(ctx);
    if (this.layout.length === 0) {
      ctx.fillStyle = '#5f6b7a';
      ctx.fillText('No lanes in this view.', gutterWidth + 12, rulerHeight + 20);
    }
  }

  private drawLane(ctx: CanvasRenderingContext2D, lane: LaneLayout, top: number): void {
    const { track, height } = lane;
    const width = this.cssWidth - scrollbarWidth;
    // Alternate lane backgrounds so rows are easy to follow.
    const highlighted = this.highlightGoroutine !== null && track.goroutine === this.highlightGoroutine;
    ctx.fillStyle = highlighted ? '#e6eefc' : lane.index % 2 ? '#fafbfc' : '#ffffff';
    ctx.fillRect(0, top, width, height);
    // Grid lines behind the spans.
    ctx.fillStyle = '#e9ecf1';
    for (const t of this.frameTicks) ctx.fillRect(this.timeToX(t), top, 1, height);
    const range = this.range;
    const nsPerPx = this.nsPerPx;
    const tiles = this.data.tilesFor(track.id, range, nsPerPx);
    ctx.save();
    ctx.beginPath();
    ctx.rect(gutterWidth, top, this.trackWidth, height);
    ctx.clip();
    for (const tile of tiles) {
      if (tile.data.shape === 'spans') this.drawSpans(ctx, tile.data, top);
      else if (tile.data.shape === 'instants') this.drawInstants(ctx, tile.data, top, height);
    }
    if (track.shape === 'counter') this.drawCounter(ctx, track, tiles, top, height);
    this.drawAnnotations(ctx, track, top);
    if (track.id === TASKS_TRACK_ID) this.drawTasks(ctx, top);
    if (tiles.length === 0 && this.data.busy) {
      ctx.fillStyle = '#eef1f5';
      ctx.fillRect(gutterWidth, top + 3, this.trackWidth, height - 6);
    }
    ctx.restore();
    // Gutter label.
    ctx.fillStyle = '#f3f5f8';
    ctx.fillRect(0, top, gutterWidth, height);
    ctx.fillStyle = '#dde2e8';
    ctx.fillRect(gutterWidth - 1, top, 1, height);
    ctx.fillRect(0, top + height - 1, width, 1);
    ctx.fillStyle = this.highlightGoroutine !== null && track.goroutine === this.highlightGoroutine ? '#2f6fd6' : '#1d2330';
    ctx.fillText(this.fitText(ctx, track.name, gutterWidth - 14), 8, top + height / 2);
  }

  private spanColor(tile: SpanTile, i: number): string {
    const kind = tile.strings[tile.kind[i]];
    if (kind === 'goroutine') {
      const g = tile.goroutine[i];
      const name = this.data.startFunctions.get(g) ?? tile.strings[tile.label[i]].replace(/^G\d+ /, '');
      return this.color(`n:${name}`, () => colorForName(name));
    }
    const key = kind === 'range' ? tile.strings[tile.label[i]] : kind;
    return this.color(`s:${key}`, () => colorForState(key));
  }

  private drawSpans(ctx: CanvasRenderingContext2D, tile: SpanTile, top: number): void {
    const { start: viewStart, end: viewEnd } = this.range;
    const nsPerPx = this.nsPerPx;
    const h = rowHeight - 3;
    const highlight = this.highlightGoroutine;
    let lastColor = '';
    for (let i = 0; i < tile.count; i++) {
      const s = tile.start[i];
      const e = tile.end[i];
      if (e < viewStart || s > viewEnd) continue;
      const y = top + 2 + tile.depth[i] * rowHeight;
      const x0 = gutterWidth + (s - viewStart) / nsPerPx;
      const x1 = gutterWidth + (e - viewStart) / nsPerPx;
      const w = Math.max(1, x1 - x0);
      let color = this.spanColor(tile, i);
      if (highlight !== null && tile.goroutine[i] !== highlight && tile.strings[tile.kind[i]] === 'goroutine') color = '#d8dce2';
      if (color !== lastColor) {
        ctx.fillStyle = color;
        lastColor = color;
      }
      ctx.fillRect(x0, y, w, h);
      if (w > 40 && this.labelBar(ctx, x0, x1, y, () => spanText(tile, i))) lastColor = '';
    }
  }

  /** Writes a bar's label inside it when there is room (the text made only then); says if it did. */
  private labelBar(ctx: CanvasRenderingContext2D, x0: number, x1: number, y: number, text: () => string): boolean {
    const textX = Math.max(x0, gutterWidth) + 4;
    const room = Math.min(x1, gutterWidth + this.trackWidth) - textX - 3;
    if (room <= 20) return false;
    ctx.fillStyle = '#111827';
    ctx.fillText(this.fitText(ctx, text(), room), textX, y + (rowHeight - 3) / 2 + 0.5);
    return true;
  }

  /** The Tasks lane: each task a bar in its generation's row, named when there is room. */
  private drawTasks(ctx: CanvasRenderingContext2D, top: number): void {
    const { start: viewStart, end: viewEnd } = this.range;
    const nsPerPx = this.nsPerPx;
    const h = rowHeight - 3;
    for (const task of this.tasks) {
      if (task.end < viewStart || task.start > viewEnd) continue;
      const y = top + 2 + task.row * rowHeight;
      const x0 = gutterWidth + (task.start - viewStart) / nsPerPx;
      const x1 = gutterWidth + (task.end - viewStart) / nsPerPx;
      const w = Math.max(1, x1 - x0);
      ctx.fillStyle = this.color(`t:${task.name}`, () => colorForName(`task ${task.name}`));
      ctx.fillRect(x0, y, w, h);
      if (w > 40) this.labelBar(ctx, x0, x1, y, () => `T${task.id} ${task.name}`);
    }
  }

  /** A goroutine's user regions (in rows below its own), and any lane's log markers (at its top edge). */
  private drawAnnotations(ctx: CanvasRenderingContext2D, track: TrackInfo, top: number): void {
    const resource = this.logResource(track);
    if (resource === null) return;
    const annotations = this.data.annotationsIn(this.range, this.nsPerPx, this.logLanes);
    if (!annotations) return;
    if (track.group === 'goroutine') this.drawRegions(ctx, annotations, track, resource, top);
    this.drawLogMarks(ctx, annotations, resource, top);
  }

  private drawRegions(ctx: CanvasRenderingContext2D, annotations: Annotations, track: TrackInfo, goroutine: number, top: number): void {
    const { start: viewStart, end: viewEnd } = this.range;
    const nsPerPx = this.nsPerPx;
    const r = annotations.regions;
    const h = rowHeight - 3;
    for (const i of annotations.regionsOf.get(goroutine) ?? []) {
      const s = r.start[i];
      const e = r.end[i];
      if (e < viewStart || s > viewEnd) continue;
      const name = annotations.strings[r.name[i]];
      const y = top + 2 + (track.rows + r.depth[i]) * rowHeight;
      const x0 = gutterWidth + (s - viewStart) / nsPerPx;
      const x1 = gutterWidth + (e - viewStart) / nsPerPx;
      const w = Math.max(1, x1 - x0);
      ctx.fillStyle = this.color(`r:${name}`, () => colorForName(`region ${name}`));
      ctx.fillRect(x0, y, w, h);
      ctx.fillStyle = 'rgba(17, 24, 39, 0.35)';
      ctx.fillRect(x0, y + h - 1, w, 1);
      if (w > 40) this.labelBar(ctx, x0, x1, y, () => (r.merged[i] > 1 ? `${r.merged[i]} regions` : name));
    }
  }

  private drawLogMarks(ctx: CanvasRenderingContext2D, annotations: Annotations, resource: number, top: number): void {
    const { start: viewStart, end: viewEnd } = this.range;
    const nsPerPx = this.nsPerPx;
    const l = annotations.logs;
    ctx.fillStyle = '#1d2330';
    for (const i of annotations.logsOf.get(resource) ?? []) {
      const t = l.time[i];
      if (t < viewStart || t > viewEnd) continue;
      const x = gutterWidth + (t - viewStart) / nsPerPx;
      ctx.beginPath();
      ctx.moveTo(x - 3.5, top + 1);
      ctx.lineTo(x + 3.5, top + 1);
      ctx.lineTo(x, top + 1 + logMarkHeight);
      ctx.closePath();
      ctx.fill();
    }
  }

  private drawInstants(ctx: CanvasRenderingContext2D, tile: InstantTile, top: number, height: number): void {
    const { start: viewStart, end: viewEnd } = this.range;
    ctx.fillStyle = colorForState('sample');
    for (let i = 0; i < tile.count; i++) {
      const t = tile.time[i];
      if (t < viewStart || t > viewEnd) continue;
      ctx.fillRect(gutterWidth + (t - viewStart) / this.nsPerPx - 0.5, top + 3, 1.5, height - 6);
    }
  }

  private drawCounter(ctx: CanvasRenderingContext2D, track: TrackInfo, tiles: CachedTile[], top: number, height: number): void {
    const counters = tiles.map((t) => t.data).filter((d): d is CounterTile => d.shape === 'counter');
    if (!counters.length) return;
    const names = counters[0].series.map((s) => s.name);
    // Heap-like counters (a goal or limit line) are drawn as overlaid lines; counts are stacked.
    const overlaid = names.some((n) => /goal|limit/i.test(n));
    // Series left out of the picture: nextGC is goal − allocated, and the goroutine "running"
    // count already includes those in syscalls (as go tool trace counts; the tooltip shows both).
    const hidden = (name: string) => (overlaid && name === 'nextGC') || (name === 'syscall' && names.includes('running'));
    let max = 0;
    for (const c of counters) {
      for (let i = 0; i < c.count; i++) {
        let sum = 0;
        for (const s of c.series) {
          if (hidden(s.name)) continue;
          sum = overlaid ? Math.max(sum, s.values[i]) : sum + s.values[i];
        }
        if (c.time[i] <= this.range.end) max = Math.max(max, sum);
      }
    }
    if (max <= 0) max = 1;
    const bottom = top + height - 2;
    const scale = (height - 8) / max;
    const right = gutterWidth + this.trackWidth;
    for (let si = names.length - 1; si >= 0; si--) {
      if (hidden(names[si])) continue;
      const color = this.color(`s:${names[si]}`, () => colorForState(names[si]));
      ctx.fillStyle = color;
      ctx.strokeStyle = color;
      ctx.beginPath();
      let drawn = false;
      for (const c of counters) {
        for (let i = 0; i < c.count; i++) {
          const x0 = Math.max(gutterWidth, this.timeToX(c.time[i]));
          const x1 = Math.min(right, i + 1 < c.count ? this.timeToX(c.time[i + 1]) : this.timeToX(Math.min(this.data.traceEnd, this.range.end)));
          if (x1 < gutterWidth || x0 > right) continue;
          let value = 0;
          if (overlaid) value = c.series[si]?.values[i] ?? 0;
          else for (let k = 0; k <= si; k++) if (!hidden(names[k])) value += c.series[k]?.values[i] ?? 0;
          const y = bottom - value * scale;
          if (overlaid) {
            if (!drawn) ctx.moveTo(x0, y);
            else ctx.lineTo(x0, y);
            ctx.lineTo(Math.max(x0, x1), y);
          } else {
            ctx.rect(x0, y, Math.max(0.5, x1 - x0), bottom - y);
          }
          drawn = true;
        }
      }
      if (overlaid) {
        ctx.lineWidth = 1.5;
        ctx.stroke();
      } else ctx.fill();
    }
    // The maximum, so the scale is readable.
    ctx.fillStyle = '#5f6b7a';
    const isBytes = /heap|bytes|alloc/i.test(track.name + names.join());
    ctx.fillText(isBytes ? bytes(max) : String(Math.round(max)), gutterWidth + 4, top + 8);
    // Values under the pointer.
    const p = this.pointer;
    if (p && p.y >= top && p.y < top + height && p.x >= gutterWidth) {
      const t = this.xToTime(p.x);
      for (const c of counters) {
        let idx = -1;
        for (let i = 0; i < c.count && c.time[i] <= t; i++) idx = i;
        if (idx < 0) continue;
        const text = c.series
          .filter((s) => !(overlaid && s.name === 'nextGC'))
          .map((s) => `${s.name} ${isBytes ? bytes(s.values[idx]) : s.values[idx]}`)
          .join('  ');
        this.drawTooltip(ctx, text, p.x + 10, top + height / 2);
      }
    }
  }

  private drawTooltip(ctx: CanvasRenderingContext2D, text: string, x: number, y: number): void {
    const w = ctx.measureText(text).width + 10;
    const left = Math.min(x, gutterWidth + this.trackWidth - w - 2);
    ctx.fillStyle = 'rgba(31,39,51,0.92)';
    ctx.fillRect(left, y - 9, w, 18);
    ctx.fillStyle = '#ffffff';
    ctx.fillText(text, left + 5, y);
  }

  /** The screen y of a goroutine at time t: its own lane, or the proc/thread lane running it. */
  private goroutineY(g: number, t: number, visible: { lane: LaneLayout; screenTop: number }[]): number | null {
    for (const v of visible) {
      const track = v.lane.track;
      if (track.group === 'goroutine') {
        if (track.goroutine === g) return v.screenTop + 2 + rowHeight / 2;
        continue;
      }
      if (track.shape !== 'spans' || track.group === 'global') continue;
      const slack = 2 * this.nsPerPx;
      for (const tile of this.data.tilesFor(track.id, { start: t - slack, end: t + slack }, this.nsPerPx)) {
        if (tile.data.shape !== 'spans') continue;
        const spans = tile.data;
        for (let i = 0; i < spans.count; i++) {
          if (spans.goroutine[i] === g && spans.start[i] - slack <= t && spans.end[i] + slack >= t && spans.strings[spans.kind[i]] === 'goroutine') {
            return v.screenTop + 2 + spans.depth[i] * rowHeight + rowHeight / 2;
          }
        }
      }
    }
    return null;
  }

  private flowsToDraw(): Flow[] {
    const all = this.data.flowsIn(this.range);
    if (this.showAllFlows) return all;
    const s = this.selection;
    if (!s || s.goroutine < 0) return [];
    const slack = Math.max(2 * this.nsPerPx, 1);
    return all.filter(
      (f) =>
        (f.toG === s.goroutine && f.toTime >= s.start - slack && f.toTime <= s.end + slack) ||
        (f.fromG === s.goroutine && f.fromTime >= s.start - slack && f.fromTime <= s.end + slack),
    );
  }

  private drawFlows(ctx: CanvasRenderingContext2D, visible: { lane: LaneLayout; screenTop: number }[]): void {
    if (!this.showAllFlows && !this.selection) return;
    const flows = this.flowsToDraw();
    if (!flows.length) return;
    ctx.lineWidth = 1.2;
    let drawn = 0;
    for (const f of flows) {
      if (drawn > 400) break;
      const x0 = this.timeToX(f.fromTime);
      const x1 = this.timeToX(f.toTime);
      if (Math.max(x0, x1) < gutterWidth || Math.min(x0, x1) > gutterWidth + this.trackWidth) continue;
      const y0 = this.goroutineY(f.fromG, f.fromTime, visible);
      const y1 = this.goroutineY(f.toG, f.toTime, visible);
      if (y0 === null || y1 === null) continue;
      // Sub-pixel arrows (creation on the same proc a moment earlier) would only be arrow heads.
      if (this.showAllFlows && Math.hypot(x1 - x0, y1 - y0) < 4) continue;
      const color = f.kind === 'go' ? '#2f6fd6' : '#d0467a';
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      const mid = (x0 + x1) / 2;
      ctx.bezierCurveTo(mid, y0, mid, y1, x1, y1);
      ctx.stroke();
      // Arrow head at the receiving end.
      const dir = x1 >= x0 ? 1 : -1;
      ctx.beginPath();
      ctx.moveTo(x1, y1);
      ctx.lineTo(x1 - 6 * dir, y1 - 3.5);
      ctx.lineTo(x1 - 6 * dir, y1 + 3.5);
      ctx.closePath();
      ctx.fill();
      ctx.beginPath();
      ctx.arc(x0, y0, 2.5, 0, Math.PI * 2);
      ctx.fill();
      drawn++;
    }
  }

  private drawSelection(ctx: CanvasRenderingContext2D, visible: { lane: LaneLayout; screenTop: number }[]): void {
    const s = this.selection;
    if (!s) return;
    const v = visible.find((l) => l.lane.track.id === s.trackId);
    if (!v) return;
    const x0 = this.timeToX(s.start);
    const x1 = this.timeToX(s.end);
    ctx.strokeStyle = '#111827';
    ctx.lineWidth = 2;
    ctx.strokeRect(x0 - 1, v.screenTop + 1 + s.depth * rowHeight, Math.max(2, x1 - x0) + 2, rowHeight - 1);
  }

  /** Ruler ticks: every 1, 2 or 5 × 10^k ns, at least ~90 px apart, aligned to the trace start. */
  private ticks(): { times: number[]; origin: number } {
    const { start, end } = this.range;
    const target = ((end - start) / this.trackWidth) * 90;
    const pow = Math.pow(10, Math.floor(Math.log10(Math.max(1, target))));
    const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= target) ?? 10 * pow;
    const origin = this.data.origin;
    const times: number[] = [];
    for (let t = Math.ceil((start - origin) / step) * step + origin; t <= end; t += step) times.push(t);
    return { times, origin };
  }

  private drawRuler(ctx: CanvasRenderingContext2D, width: number): void {
    ctx.fillStyle = '#f3f5f8';
    ctx.fillRect(0, 0, width, rulerHeight);
    ctx.fillStyle = '#c8cfd8';
    ctx.fillRect(0, rulerHeight - 1, width, 1);
    const span = this.range.end - this.range.start;
    const { times, origin } = this.ticks();
    ctx.textBaseline = 'middle';
    for (const t of times) {
      const x = this.timeToX(t);
      ctx.fillStyle = '#9aa4b1';
      ctx.fillRect(x, rulerHeight - 7, 1, 7);
      ctx.fillStyle = '#1d2330';
      ctx.fillText(shortDuration(t - origin), x + 3, rulerHeight / 2 - 1);
    }
    ctx.fillStyle = '#f3f5f8';
    ctx.fillRect(0, 0, gutterWidth, rulerHeight - 1);
    ctx.fillStyle = '#5f6b7a';
    ctx.fillText(`${shortDuration(span)} shown`, 8, rulerHeight / 2 - 1);
  }

  private drawPointer(ctx: CanvasRenderingContext2D): void {
    const p = this.pointer;
    if (!p || p.x < gutterWidth || this.drag?.moved) return;
    ctx.fillStyle = 'rgba(47,111,214,0.55)';
    ctx.fillRect(p.x, rulerHeight, 1, this.cssHeight - rulerHeight);
    const label = shortDuration(this.xToTime(p.x) - this.data.origin);
    const w = ctx.measureText(label).width + 8;
    ctx.fillStyle = '#2f6fd6';
    ctx.fillRect(p.x - w / 2, 2, w, rulerHeight - 6);
    ctx.fillStyle = '#ffffff';
    ctx.fillText(label, p.x - w / 2 + 4, rulerHeight / 2 - 1);
    const hover = this.hitTest(p.x, p.y);
    if (hover) {
      const dur = shortDuration(hover.end - hover.start);
      const who = hover.goroutine >= 0 && !hover.label.startsWith(`G${hover.goroutine} `) ? `G${hover.goroutine} ` : '';
      const merged = hover.merged > 1 ? ` (${hover.merged} merged)` : '';
      this.drawTooltip(ctx, `${who}${hover.label} · ${dur}${merged}`, p.x + 12, p.y + 16);
    }
  }

  private fitText(ctx: CanvasRenderingContext2D, text: string, room: number): string {
    if (ctx.measureText(text).width <= room) return text;
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ctx.measureText(text.slice(0, mid) + '…').width <= room) lo = mid;
      else hi = mid - 1;
    }
    return lo > 0 ? text.slice(0, lo) + '…' : '';
  }
}
