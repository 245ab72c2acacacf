// The timeline page: toolbar (view, search, flows, fit), the canvas, and the details panel.
// It owns the TimelineData controller and keeps the view, time range, highlighted goroutine
// and selection in the URL (replaceState), so a timeline link reopens the same picture.

import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state, query } from 'lit/decorators.js';
import type { ApiClient } from '../controllers/api-client.ts';
import type { Router } from '../controllers/router.ts';
import { TimelineData } from '../controllers/timeline-data.ts';
import type { PartsResponse } from '../controllers/timeline-adapter.ts';
import { TASKS_TRACK_ID, type TaskFamily, type TrackInfo, type TimelineRange } from '../api/timeline-types.ts';
import { selectionOf, type SpanSelection, type TtTimelineCanvas } from './tt-timeline-canvas.ts';
import { goDuration, bytes, shortDuration } from '../lib/duration.ts';
import { colorForState } from '../lib/colors.ts';
import { styleMap } from 'lit/directives/style-map.js';
import { sharedStyles } from '../styles/shared.ts';

export type TimelineView = 'proc' | 'thread' | 'goroutine';
const views: readonly TimelineView[] = ['proc', 'thread', 'goroutine'];

/** The part whose time range holds the middle of `range`, or -1. */
export function partHolding(parts: PartsResponse['parts'], range: TimelineRange): number {
  const middle = (range.start + range.end) / 2;
  return parts.findIndex((p, i) => middle >= p.startTime && (middle < p.endTime || (i === parts.length - 1 && middle <= p.endTime)));
}

/**
 * The lanes of a view: the global lanes (counters, GC, STW, samples), then the view's own. With
 * a task in focus, as go tool trace's task view: a Tasks lane on top (the task and its
 * descendants, a row per generation), and in the goroutine view only the goroutines involved.
 */
export function lanesForView(tracks: readonly TrackInfo[], view: TimelineView, task: { id: number; family: TaskFamily } | null = null): TrackInfo[] {
  const global = tracks.filter((t) => t.group === 'global');
  let own = tracks.filter((t) => t.group === view).sort((a, b) => a.order - b.order);
  if (!task) return [...global, ...own];
  if (view === 'goroutine') {
    const involved = new Set(task.family.goroutines);
    own = own.filter((t) => t.goroutine !== undefined && involved.has(t.goroutine));
  }
  const root = task.family.tasks.find((t) => t.id === task.id);
  const tasksLane: TrackInfo = {
    id: TASKS_TRACK_ID,
    kind: 'tasks',
    group: 'global',
    shape: 'spans',
    name: root ? `T${root.id} ${root.name}` : `T${task.id}`,
    order: -1,
    rows: Math.max(1, ...task.family.tasks.map((t) => t.row + 1)),
  };
  return [tasksLane, ...global, ...own];
}

@customElement('tt-timeline-page')
export class TtTimelinePage extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host { display: flex; flex-direction: column; flex: 1; min-height: 0; height: calc(100vh - 40px); }
      .toolbar { padding: 6px 12px; margin: 0; border-bottom: 1px solid var(--tt-border); background: var(--tt-panel); }
      .toolbar label { display: inline-flex; align-items: center; gap: 4px; }
      .seg { display: inline-flex; border: 1px solid var(--tt-border); border-radius: 4px; overflow: hidden; }
      .seg button { border: 0; border-radius: 0; border-right: 1px solid var(--tt-border); }
      .seg button:last-child { border-right: 0; }
      .seg button[aria-pressed='true'] { background: var(--tt-accent); color: #fff; }
      input[type='search'] { width: 16rem; padding: 3px 6px; border: 1px solid var(--tt-border); border-radius: 4px; }
      .body { flex: 1; display: flex; min-height: 0; }
      tt-timeline-canvas { flex: 1; min-width: 0; }
      aside { width: 330px; flex: none; border-left: 1px solid var(--tt-border); padding: 10px 12px; overflow: auto; background: #fff; }
      .status { margin-left: auto; color: var(--tt-muted); font-size: 12px; font-variant-numeric: tabular-nums; }
      .results { position: absolute; z-index: 5; background: #fff; border: 1px solid var(--tt-border); box-shadow: 0 4px 14px rgba(0,0,0,0.12); max-height: 320px; overflow: auto; min-width: 22rem; margin-top: 2px; }
      .results button { display: block; width: 100%; text-align: left; border: 0; border-radius: 0; padding: 4px 8px; }
      .results button:hover { background: var(--tt-panel); }
      .search { position: relative; }
      .legend { display: inline-flex; gap: 8px; font-size: 12px; color: var(--tt-muted); }
      .parts { padding: 4px 12px; font-size: 12px; background: #fff8e1; border-bottom: 1px solid var(--tt-border); }
      .parts button { font-size: 12px; padding: 1px 6px; margin: 2px 2px 0 0; }
      .parts button[aria-pressed='true'] { background: var(--tt-accent); color: #fff; }
      .parts button.wanted { outline: 2px solid var(--tt-accent); }
      .parts .linked { margin-bottom: 2px; }
      .legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 3px; vertical-align: -1px; }
    `,
  ];

  @property({ attribute: false }) api!: ApiClient;
  @property({ attribute: false }) router!: Router;
  @property({ attribute: false }) query: URLSearchParams = new URLSearchParams();

  @state() private view: TimelineView = 'proc';
  @state() private range: TimelineRange = { start: 0, end: 1 };
  @state() private selection: SpanSelection | null = null;
  @state() private highlight: number | null = null;
  /** The task in focus (?task=N): its lane on top and, by goroutine, only its goroutines. */
  @state() private task: { id: number; family: TaskFamily } | null = null;
  @state() private taskError: string | null = null;
  private taskId: number | null = null;
  @state() private showFlows = false;
  @state() private search = '';
  @state() private loadError: string | null = null;
  @state() private ready = false;
  /** The server lists the timeline as still being built (the other pages are ready). */
  @state() private building = false;
  /** Percent of a timeline part's bytes read while the server builds it (null: not reported). */
  @state() private buildProgress: number | null = null;
  @state() private tick = 0;
  /** The parts of a trace too big for one timeline (null until known, or without parts). */
  @state() private parts: PartsResponse | null = null;
  @state() private partError: string | null = null;
  /**
   * The range the page was opened on (a link from another page), kept to find the part that
   * holds it when the part shown does not.
   */
  private linkedRange: TimelineRange | null = null;

  @query('tt-timeline-canvas') private canvas!: TtTimelineCanvas;

  private data: TimelineData | null = null;
  private pendingSelection: { trackId: string; time: number; depth: number } | null = null;
  private urlTimer = 0;
  private statusPending = false;
  private laneCache: { view: TimelineView; tracks: TrackInfo[]; task: TtTimelinePage['task']; lanes: TrackInfo[] } | null = null;
  private statusTimer = 0;
  private stopHearingStatus: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.stopHearingStatus = this.api.onStatus((status) => {
      this.building = status.building?.includes('timeline') ?? false;
      this.buildProgress = status.buildProgress?.timeline ?? null;
    });
    this.data = new TimelineData(this.api, () => {
      this.canvas?.invalidate();
      this.resolvePendingSelection();
      this.refreshStatusSoon();
    });
    this.readQuery();
    this.loadTracks(this.linkedRange !== null);
    this.api.getJson<PartsResponse>('/api/timeline/parts').then(
      (parts) => {
        this.parts = parts.parts.length > 1 ? parts : null;
        if (this.parts && this.data) {
          this.data.timeOrigin = this.parts.parts[0].startTime;
          this.canvas?.invalidate();
        }
      },
      () => {}, // an older server, or none: no parts to offer
    );
    // The status line (tiles loaded, bytes) refreshes a few times a second, not every frame.
    this.statusTimer = window.setInterval(() => this.tick++, 500);
  }

  /** Loads the track list (waiting while the timeline is built); `keepRange`: the URL's range stays. */
  private loadTracks(keepRange: boolean): void {
    const data = this.data!;
    this.loadTask(data).then((family) => {
      if (data !== this.data) return;
      const listed = [...(this.highlight === null ? [] : [this.highlight]), ...(family?.goroutines ?? [])];
      this.loadTracksListing(data, keepRange, listed);
    });
  }

  /** The task in focus and its family, or null (none asked for, or the server has no such task). */
  private async loadTask(data: TimelineData): Promise<TaskFamily | null> {
    const id = this.taskId;
    if (id === null) {
      this.task = null;
      return null;
    }
    try {
      const family = await data.taskFamily(id);
      if (this.taskId === id) {
        this.task = { id, family };
        this.taskError = null;
      }
      return family;
    } catch (err) {
      this.taskError = `task ${id}: ${(err as Error).message}`;
      this.task = null;
      return null;
    }
  }

  private loadTracksListing(data: TimelineData, keepRange: boolean, goroutines: number[]): void {
    data.loadTracks(undefined, goroutines).then(
      () => {
        if (data !== this.data) return;
        if (!keepRange) this.range = { start: data.traceStart, end: data.traceEnd };
        this.loadError = null;
        this.ready = true;
        this.writeUrlSoon();
        void this.updateComplete.then(() => {
          if (this.highlight !== null) this.revealGoroutine(this.highlight);
          this.canvas?.focusCanvas();
        });
      },
      (err: Error) => {
        if (data === this.data) this.loadError = err.message;
      },
    );
  }

  /** Asks the server to show part `index` of the trace, then loads it (the server builds it meanwhile). */
  private async showPart(index: number): Promise<void> {
    // The part shown is asked for again only if it failed to build (a retry).
    if (!this.parts || (index === this.parts.index && this.loadError === null)) return;
    this.partError = null;
    try {
      await this.api.postJson(`/api/timeline/parts/${index}`);
    } catch (err) {
      this.partError = (err as Error).message;
      return;
    }
    this.parts = { ...this.parts, index };
    this.selection = null;
    this.loadError = null;
    this.ready = false;
    this.building = true;
    this.data?.dispose();
    this.data = new TimelineData(this.api, () => {
      this.canvas?.invalidate();
      this.refreshStatusSoon();
    });
    // Times still count from the trace's start, not the part's.
    this.data.timeOrigin = this.parts.parts[0].startTime;
    // Asking for the tracks now would be answered 503 until the part is in: wait for it first.
    await this.api.waitUntilBuilt('timeline').catch(() => {});
    // A linked range in this part is where the page opens; else the whole part.
    const linked = this.linkedRange !== null && partHolding(this.parts.parts, this.linkedRange) === index;
    if (linked) this.range = this.linkedRange!;
    this.loadTracks(linked);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopHearingStatus?.();
    this.data?.dispose();
    clearInterval(this.statusTimer);
    clearTimeout(this.urlTimer);
  }

  /** Re-renders the status line at most once a frame when tiles arrive. */
  private refreshStatusSoon(): void {
    if (this.statusPending) return;
    this.statusPending = true;
    requestAnimationFrame(() => {
      this.statusPending = false;
      this.tick++;
    });
  }

  /** The lanes of the current view, recomputed only when the view or the track list changes. */
  private lanes(): TrackInfo[] {
    const tracks = this.data!.tracks;
    if (this.laneCache?.view !== this.view || this.laneCache.tracks !== tracks || this.laneCache.task !== this.task) {
      this.laneCache = { view: this.view, tracks, task: this.task, lanes: lanesForView(tracks, this.view, this.task) };
    }
    return this.laneCache.lanes;
  }

  private readQuery(): void {
    const q = this.query;
    const view = q.get('view') as TimelineView | null;
    this.view = view && views.includes(view) ? view : q.has('g') ? 'goroutine' : 'proc';
    const start = Number(q.get('start'));
    const end = Number(q.get('end'));
    if (q.has('start') && q.has('end') && Number.isFinite(start) && Number.isFinite(end) && end > start) this.range = this.linkedRange = { start, end };
    const g = Number(q.get('g'));
    this.highlight = q.has('g') && Number.isInteger(g) ? g : null;
    const task = Number(q.get('task'));
    this.taskId = q.has('task') && Number.isInteger(task) && task >= 0 ? task : null;
    // sel=<track>:<row>@<time>: the span of that lane row covering that time.
    const m = /^([^:@]+):(\d+)@(\d+(?:\.\d+)?)$/.exec(q.get('sel') ?? '');
    if (m) this.pendingSelection = { trackId: m[1], depth: Number(m[2]), time: Number(m[3]) };
  }

  /** A selection from the URL is restored once its tile has arrived. */
  private resolvePendingSelection(): void {
    const pending = this.pendingSelection;
    if (!pending || !this.data) return;
    // Look at the resolution the canvas draws (about a thousand pixels across the range).
    const nsPerPx = (this.range.end - this.range.start) / 1000;
    for (const tile of this.data.tilesFor(pending.trackId, { start: pending.time, end: pending.time + 1 }, nsPerPx)) {
      if (tile.data.shape !== 'spans') continue;
      const spans = tile.data;
      for (let i = 0; i < spans.count; i++) {
        if (spans.start[i] <= pending.time && spans.end[i] >= pending.time && spans.depth[i] === pending.depth) {
          const track = this.data.tracks.find((t) => t.id === pending.trackId);
          if (!track) return;
          this.pendingSelection = null;
          this.selection = selectionOf(track, spans, i);
          return;
        }
      }
    }
  }

  private writeUrlSoon(): void {
    clearTimeout(this.urlTimer);
    this.urlTimer = window.setTimeout(() => {
      const s = this.selection;
      this.router.replaceQuery({
        view: this.view,
        start: Math.round(this.range.start),
        end: Math.round(this.range.end),
        g: this.highlight,
        task: this.task?.id ?? null,
        sel: s ? `${s.trackId}:${s.depth}@${Math.round((s.start + s.end) / 2)}` : null,
      });
    }, 150);
  }

  private clearTask(): void {
    this.taskId = null;
    this.task = null;
    this.selection = null;
    this.writeUrlSoon();
  }

  private setView(view: TimelineView): void {
    this.view = view;
    this.selection = null;
    this.writeUrlSoon();
  }

  private onRange(event: CustomEvent<TimelineRange>): void {
    this.range = event.detail;
    this.writeUrlSoon();
  }

  private onSelect(event: CustomEvent<SpanSelection | null>): void {
    this.selection = event.detail;
    this.writeUrlSoon();
  }

  private revealGoroutine(g: number): void {
    const track = this.data?.tracks.find((t) => t.group === 'goroutine' && t.goroutine === g);
    if (track && this.view === 'goroutine') this.canvas?.revealTrack(track.id);
  }

  private onFocusGoroutine(event: CustomEvent<{ goroutine: number; time: number }>): void {
    const { goroutine, time } = event.detail;
    this.highlight = goroutine;
    this.view = 'goroutine';
    const width = this.range.end - this.range.start;
    if (time < this.range.start || time > this.range.end) this.range = { start: time - width / 2, end: time + width / 2 };
    this.writeUrlSoon();
    void this.updateComplete.then(() => this.revealGoroutine(goroutine));
  }

  private searchResults(): TrackInfo[] {
    const text = this.search.trim().toLowerCase().replace(/^g(?=\d)/, '');
    if (!text || !this.data) return [];
    const byId = /^\d+$/.test(text);
    const out: TrackInfo[] = [];
    for (const t of this.data.tracks) {
      if (t.group !== 'goroutine') continue;
      const match = byId ? String(t.goroutine) === text || String(t.goroutine).startsWith(text) : (t.startFunction ?? t.name).toLowerCase().includes(text);
      if (match) out.push(t);
      if (out.length >= 50) break;
    }
    return out;
  }

  private choose(track: TrackInfo): void {
    this.search = '';
    if (track.goroutine === undefined) return;
    this.highlight = track.goroutine;
    this.view = 'goroutine';
    this.writeUrlSoon();
    void this.updateComplete.then(() => this.revealGoroutine(track.goroutine!));
  }

  private renderToolbar() {
    const results = this.searchResults();
    const data = this.data!;
    const width = this.range.end - this.range.start;
    return html`<div class="toolbar">
      <span class="seg" role="group" aria-label="View">
        ${views.map((v) => html`<button aria-pressed=${this.view === v} @click=${() => this.setView(v)}>by ${v}</button>`)}
      </span>
      <span class="search">
        <input type="search" placeholder="Find goroutine: id or start function" aria-label="Find goroutine"
          .value=${this.search} @input=${(e: Event) => (this.search = (e.target as HTMLInputElement).value)}
          @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter' && results[0]) this.choose(results[0]); }} />
        ${results.length ? html`<div class="results">${results.map((t) => html`<button @click=${() => this.choose(t)}>${t.name}</button>`)}</div>` : nothing}
      </span>
      ${this.task !== null ? html`<span class="pill" data-testid="task-pill">Task ${this.task.id} <a href="#" @click=${(e: Event) => { e.preventDefault(); this.clearTask(); }} title="Show every goroutine">✕</a></span>` : nothing}
      ${this.taskError !== null ? html`<span class="error">${this.taskError}</span>` : nothing}
      ${this.highlight !== null ? html`<span class="pill">G${this.highlight} <a href="#" @click=${(e: Event) => { e.preventDefault(); this.highlight = null; this.writeUrlSoon(); }} title="Clear">✕</a></span>` : nothing}
      <label><input type="checkbox" .checked=${this.showFlows} @change=${(e: Event) => (this.showFlows = (e.target as HTMLInputElement).checked)} /> All flow events</label>
      <button @click=${() => this.canvas.fitAll()} title="Show the whole trace (0)">Fit trace</button>
      <button @click=${() => this.canvas.fitSelection()} ?disabled=${!this.selection} title="Zoom to the selected span (F)">Fit selection</button>
      <span class="legend">
        ${['running', 'runnable', 'waiting', 'syscall'].map((state) => html`<span><i style=${styleMap({ background: colorForState(state) })}></i>${state}</span>`)}
      </span>
      <span class="status" data-tick=${this.tick}>
        ${goDuration(Math.round(width))} · ${data.stats.requests} tiles, ${bytes(data.stats.bytes)}${data.busy ? ' · loading…' : ''}${data.unlistedGoroutines > 0 ? ` · first goroutines only (${data.unlistedGoroutines} more not listed)` : ''}
      </span>
    </div>`;
  }

  /** A trace too big for one timeline: which part this one shows, and the others to choose from. */
  private renderParts() {
    const p = this.parts;
    if (!p) return nothing;
    const t0 = p.parts[0].startTime;
    const shown = p.parts[p.index];
    // Times from the trace's start, to three digits (shortDuration of a µs-rounded time).
    const at = (t: number) => shortDuration(Math.round((t - t0) / 1e3) * 1e3);
    const linked = this.linkedRange;
    const holding = linked === null ? -1 : partHolding(p.parts, linked);
    return html`<div class="parts" role="navigation" aria-label="Timeline parts">
      ${holding >= 0 && holding !== p.index
        ? html`<div class="linked"><b>The time this link shows (${at(linked!.start)} to ${at(linked!.end)}) is in part ${holding + 1}</b>,
            not in the part shown: pick part ${holding + 1} to build it and go there.</div>`
        : nothing}
      The whole timeline of this ${bytes(p.totalBytes)} trace would not fit in this machine's memory, so it is shown a part at a time.
      This is part ${p.index + 1} of ${p.parts.length}: ${at(shown.startTime)} to ${at(shown.endTime)} of the trace
      (${bytes(shown.endByte - shown.startByte)} of it). Every other page covers the whole trace; <code>tstrace -timeline=on</code> builds the whole timeline.
      <div>
        ${p.parts.map((part, i) => html`<button aria-pressed=${i === p.index} class=${i === holding && i !== p.index ? 'wanted' : ''} ?disabled=${this.building && i !== p.index}
          title=${`${bytes(part.endByte - part.startByte)} of the trace`} @click=${() => void this.showPart(i)}>${i + 1}: ${at(part.startTime)} – ${at(part.endTime)}</button>`)}
        ${this.partError ? html`<span class="error">${this.partError}</span>` : nothing}
      </div>
    </div>`;
  }

  override render() {
    if (this.loadError) return html`${this.renderParts()}<div class="page"><h1>Timeline</h1><div class="error">${this.loadError}</div></div>`;
    if (!this.ready || !this.data) {
      const what = this.parts ? `part ${this.parts.index + 1} of the timeline` : 'the timeline';
      const read = this.buildProgress === null ? '' : ` ${this.buildProgress.toFixed(0)}% read,`;
      return html`${this.renderParts()}<div class="page loading">${this.building ? `Building ${what}…${read} (the other pages are ready)` : 'Loading the timeline…'}</div>`;
    }
    const lanes = this.lanes();
    return html`${this.renderToolbar()}${this.renderParts()}
      <div class="body">
        <tt-timeline-canvas
          .data=${this.data}
          .lanes=${lanes}
          .range=${this.range}
          .selection=${this.selection}
          .highlightGoroutine=${this.highlight}
          .tasks=${this.task?.family.tasks ?? []}
          .showAllFlows=${this.showFlows}
          @range-change=${this.onRange}
          @span-select=${this.onSelect}
        ></tt-timeline-canvas>
        <aside @focus-goroutine=${this.onFocusGoroutine}>
          <tt-span-details .data=${this.data} .selection=${this.selection} .flows=${this.selection ? this.data.flowsIn(this.range) : []}></tt-span-details>
        </aside>
      </div>`;
  }
}
