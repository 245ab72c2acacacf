// /goroutines/:id: one goroutine — its times, breakdown, regions and start location, with a
// jump to its lane in the timeline.

import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ApiClient } from '../controllers/api-client.ts';
import { ResourceController } from '../controllers/resource-controller.ts';
import type { GoroutineDetail, GoroutineRegion, TraceInfo } from '../api/types.ts';
import type { Column } from './tt-data-table.ts';
import { statColumns, goroutineTimelineHref } from './tt-goroutine-group-page.ts';
import { groupHref, unnamedGroup } from './tt-goroutines-page.ts';
import { goDuration } from '../lib/duration.ts';
import { sharedStyles } from '../styles/shared.ts';

interface Loaded {
  goroutine: GoroutineDetail;
  trace: TraceInfo;
}

@customElement('tt-goroutine-page')
export class TtGoroutinePage extends LitElement {
  static override styles = [sharedStyles];

  @property({ attribute: false }) api!: ApiClient;
  @property() goroutineId = '';

  private readonly detail = new ResourceController<Loaded>(this, async (api, signal) => {
    const [goroutine, trace] = await Promise.all([
      api.getJson<GoroutineDetail>(`/api/goroutines/${encodeURIComponent(this.goroutineId)}`, signal),
      api.getJson<TraceInfo>('/api/trace', signal),
    ]);
    return { goroutine, trace };
  });

  override willUpdate(): void {
    if (this.api) this.detail.request(this.api, this.goroutineId);
  }

  private regionTable(g: GoroutineDetail, origin: number) {
    if (!g.regions.length) return html`<p class="muted">This goroutine has no user regions.</p>`;
    const labels = [...new Set(g.regions.flatMap((r) => Object.keys(r.stats)))].sort((a, b) =>
      a === 'Execution time' ? -1 : b === 'Execution time' ? 1 : a.localeCompare(b),
    );
    const columns: Column<GoroutineRegion>[] = [
      { key: 'type', label: 'Region', value: (r) => r.type, numeric: false },
      { key: 'task', label: 'Task', value: (r) => r.taskId ?? '', numeric: true, noStats: true },
      { key: 'start', label: 'Start', value: (r) => (r.startTime === null ? null : r.startTime - origin), numeric: true, noStats: true, render: (r) => (r.startTime === null ? '(before trace)' : goDuration(r.startTime - origin)) },
      {
        key: 'duration',
        label: 'Duration',
        value: (r) => r.durationNs,
        numeric: true,
        format: goDuration,
        render: (r) => {
          const start = r.startTime ?? origin;
          const end = r.endTime ?? start + r.durationNs;
          const pad = Math.max(1000, (end - start) * 0.1);
          return html`<a href="/timeline?view=goroutine&g=${g.id}&start=${Math.round(start - pad)}&end=${Math.round(end + pad)}">${goDuration(r.durationNs)}</a>`;
        },
      },
      ...statColumns<GoroutineRegion>(labels),
    ];
    const all = g.regionCount <= g.regions.length;
    return html`${all ? nothing : html`<p class="muted" data-testid="regions-listed">Its first ${g.regions.length} of ${g.regionCount} regions, by start.</p>`}
      <tt-data-table .columns=${columns} .rows=${g.regions} sortKey="start" .descending=${false} ?showPercentiles=${all} csvName="goroutine-${g.id}-regions.csv"></tt-data-table>`;
  }

  override render() {
    const s = this.detail.state;
    const heading = html`<h1>Goroutine ${this.goroutineId}</h1>`;
    if (s.kind === 'error') return html`<div class="page">${heading}<div class="error">${s.message}</div></div>`;
    if (s.kind !== 'ready') return html`<div class="page">${heading}<div class="loading">Loading the goroutine…</div></div>`;
    const { goroutine: g, trace } = s.data;
    const origin = trace.startTime ?? 0;
    const at = (t: number | null, none: string) => (t === null ? none : goDuration(t - origin));
    const labels = Object.keys(g.stats).sort((a, b) => (a === 'Execution time' ? -1 : b === 'Execution time' ? 1 : a.localeCompare(b)));
    const max = Math.max(g.totalNs, 1);
    return html`<div class="page">
      ${heading}
      <p><a href=${goroutineTimelineHref(g.id)}>Show G${g.id} in the timeline</a> ·
        group <a href=${groupHref(g.name)}><code>${g.name || unnamedGroup}</code></a></p>
      <table class="facts">
        <tr><td>Start function</td><td><code>${g.name || unnamedGroup}</code></td></tr>
        ${g.startFrame ? html`<tr><td>Start location</td><td><code>${g.startFrame.file}:${g.startFrame.line}</code></td></tr>` : nothing}
        <tr><td>Created</td><td>${at(g.creationTime, 'before the trace started')}</td></tr>
        <tr><td>Started</td><td>${at(g.startTime, 'never ran in the trace')}</td></tr>
        <tr><td>Ended</td><td>${at(g.endTime, 'still alive at the end of the trace')}</td></tr>
        <tr><td>Total</td><td>${goDuration(g.totalNs)}</td></tr>
      </table>
      <h3>Breakdown</h3>
      <tt-breakdown-bar .stats=${g.stats} .labels=${labels} .max=${max}></tt-breakdown-bar>
      <table class="data">
        <thead><tr><th>Time</th><th class="num">Duration</th><th class="num">Share</th></tr></thead>
        <tbody>${labels.map((l) => html`<tr><td>${l}</td><td class="num">${goDuration(g.stats[l])}</td><td class="num">${((g.stats[l] / max) * 100).toFixed(1)}%</td></tr>`)}
        ${Object.entries(g.rangeStats).map(([l, v]) => html`<tr><td>${l} <span class="muted">(overlaps)</span></td><td class="num">${goDuration(v)}</td><td class="num">${((v / max) * 100).toFixed(1)}%</td></tr>`)}</tbody>
      </table>
      <h3>Regions</h3>
      ${this.regionTable(g, origin)}
    </div>`;
  }
}
