// /regions: user region types by (type, start location) with duration histograms (go tool
// trace /userregions); with ?type=T&pc=PC the regions of that row with go tool trace's
// breakdown (/userregion), their blocking profiles, and a jump to each region's time range.

import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ApiClient } from '../controllers/api-client.ts';
import { ResourceController } from '../controllers/resource-controller.ts';
import type { RegionTypes, RegionsOfType, HistogramBucket } from '../api/types.ts';
import type { Column } from './tt-data-table.ts';
import { statColumns, rangeColumns } from './tt-goroutine-group-page.ts';
import { timelineRangeHref } from './tt-tasks-page.ts';
import { profileKinds } from './tt-index-page.ts';
import { goDuration } from '../lib/duration.ts';
import { sharedStyles } from '../styles/shared.ts';

const regionFilterKeys = ['type', 'pc', 'latmin', 'latmax'] as const;

type TypeRow = RegionTypes['regions'][number];
type RegionRow = RegionsOfType['regions'][number];

@customElement('tt-regions-page')
export class TtRegionsPage extends LitElement {
  static override styles = [sharedStyles];

  @property({ attribute: false }) api!: ApiClient;
  @property({ attribute: false }) query: URLSearchParams = new URLSearchParams();

  private readonly types = new ResourceController<RegionTypes>(this, (api, signal) => api.getJson('/api/regions', signal));
  private readonly regions = new ResourceController<RegionsOfType>(this, (api, signal) => api.getJson(`/api/regions/type?${this.filterQuery()}`, signal));

  private filterQuery(): string {
    const out = new URLSearchParams();
    for (const key of regionFilterKeys) {
      const v = this.query.get(key);
      if (v !== null) out.set(key, v);
    }
    return out.toString();
  }

  private get filtered(): boolean {
    return regionFilterKeys.some((k) => this.query.has(k));
  }

  override willUpdate(): void {
    if (!this.api) return;
    if (this.filtered) this.regions.request(this.api, this.filterQuery());
    else this.types.request(this.api, 'types');
  }

  private rowHref(t: TypeRow, b?: HistogramBucket): string {
    const base = `/regions?type=${encodeURIComponent(t.type)}&pc=${t.pc}`;
    return b ? `${base}&latmin=${b.minNs}&latmax=${b.maxNs}` : base;
  }

  private renderTypes(data: RegionTypes) {
    if (!data.regions.length) return html`<p class="muted">This trace has no user regions (<a href="https://pkg.go.dev/runtime/trace#WithRegion">trace.WithRegion</a>).</p>`;
    const columns: Column<TypeRow>[] = [
      {
        key: 'type',
        label: 'Region type',
        value: (t) => t.type,
        numeric: false,
        render: (t) => html`<code>${JSON.stringify(t.type)}</code><br /><code class="muted">${t.frame ? html`${t.frame.func} @ 0x${t.pc}<br />${t.frame.file}:${t.frame.line}` : `0x${t.pc}`}</code>`,
      },
      { key: 'count', label: 'Count', value: (t) => t.count, numeric: true, render: (t) => html`<a href=${this.rowHref(t)}>${t.count}</a>` },
      {
        key: 'hist',
        label: 'Duration distribution (complete regions)',
        value: () => null,
        sortable: false,
        noStats: true,
        render: (t) => html`<tt-histogram .buckets=${t.histogram.buckets} .height=${140} .width=${460} label="regions"
          @bucket-select=${(e: CustomEvent<HistogramBucket>) => this.dispatchEvent(new CustomEvent('navigate', { detail: this.rowHref(t, e.detail), bubbles: true, composed: true }))}></tt-histogram>`,
      },
    ];
    return html`<tt-data-table .columns=${columns} .rows=${data.regions} csvName="region-types.csv"></tt-data-table>`;
  }

  private renderRegions(data: RegionsOfType) {
    const profileQuery = this.filterQuery() || 'scope=region';
    const columns: Column<RegionRow>[] = [
      { key: 'g', label: 'Goroutine', value: (r) => r.goroutine, numeric: true, noStats: true, render: (r) => html`<a href="/goroutines/${r.goroutine}">${r.goroutine}</a>` },
      { key: 'task', label: 'Task', value: (r) => r.taskId, numeric: true, noStats: true, render: (r) => (r.taskId ? String(r.taskId) : '') },
      {
        key: 'total',
        label: 'Total',
        value: (r) => r.totalNs,
        numeric: true,
        format: goDuration,
        render: (r) =>
          r.startTime !== null && r.endTime !== null
            ? html`<a href=${timelineRangeHref(r.startTime, r.endTime, `&g=${r.goroutine}`)} title="Show in the timeline">${goDuration(r.totalNs)}</a>`
            : goDuration(r.totalNs),
      },
      {
        key: 'bar',
        label: '',
        value: () => null,
        sortable: false,
        noStats: true,
        render: (r) => html`<tt-breakdown-bar .stats=${r.stats} .labels=${data.statLabels} .max=${data.maxTotalNs}></tt-breakdown-bar>`,
      },
      ...statColumns<RegionRow>(data.statLabels),
      ...rangeColumns<RegionRow>(data.rangeLabels),
    ];
    return html`<p class="muted">${data.filter}</p>
      <table class="facts">${profileKinds.map(
        (p) => html`<tr><td>${p.short}:</td><td><a href="/profiles/${p.kind}?${profileQuery}">graph</a>
          <a href="/api/pprof/${p.kind}?${profileQuery}" download="${p.kind}.pb.gz">(download)</a></td></tr>`,
      )}</table>
      <h3>Durations</h3>
      <tt-histogram .buckets=${data.histogram.buckets} label="regions"></tt-histogram>
      <h3>Breakdown</h3>
      ${data.total > data.regions.length
        ? html`<p class="muted" data-testid="regions-listed">The ${data.regions.length} longest of ${data.total} regions (the histogram counts them all).</p>`
        : nothing}
      <tt-data-table .columns=${columns} .rows=${data.regions} sortKey="total" ?showPercentiles=${data.total === data.regions.length} csvName="regions.csv"></tt-data-table>`;
  }

  override render() {
    if (this.filtered) {
      const s = this.regions.state;
      return html`<div class="page">
        <h1>Regions${this.query.get('type') !== null ? html`: <code>${this.query.get('type')}</code>` : ''}</h1>
        <p><a href="/regions">All region types</a></p>
        ${s.kind === 'error' ? html`<div class="error">${s.message}</div>` : s.kind !== 'ready' ? html`<div class="loading">Loading regions…</div>` : this.renderRegions(s.data)}
      </div>`;
    }
    const s = this.types.state;
    return html`<div class="page">
      <h1>Regions</h1>
      <p>Regions by type and start location, with the distribution of their durations. Click a count for the regions of a row, or a bar for those in that duration range.</p>
      ${s.kind === 'error' ? html`<div class="error">${s.message}</div>` : s.kind !== 'ready' ? html`<div class="loading">Loading regions…</div>` : this.renderTypes(s.data)}
    </div>`;
  }
}
