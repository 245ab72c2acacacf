// /goroutines/group?name=N: one group's summary, its blocking profiles, the distribution of
// its goroutines' total times, and go tool trace's non-overlapping breakdown table.

import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ApiClient } from '../controllers/api-client.ts';
import { ResourceController } from '../controllers/resource-controller.ts';
import type { GoroutineGroup, GoroutineGroupResponse, GoroutineRow } from '../api/types.ts';
import type { Column } from './tt-data-table.ts';
import { bucketsOf } from './tt-histogram.ts';
import { profileKinds } from './tt-index-page.ts';
import { unnamedGroup } from './tt-goroutines-page.ts';
import { goDuration } from '../lib/duration.ts';
import { statColor } from '../lib/colors.ts';
import { sharedStyles } from '../styles/shared.ts';

export function goroutineTimelineHref(id: number): string {
  return `/timeline?view=goroutine&g=${id}`;
}

/** The breakdown columns shared by the goroutine-group and region tables. */
export function statColumns<Row extends { stats: Record<string, number> }>(labels: readonly string[]): Column<Row>[] {
  return labels.map((label) => ({
    key: `stat:${label}`,
    label,
    value: (r: Row) => r.stats[label] ?? 0,
    render: (r: Row) => goDuration(r.stats[label] ?? 0),
    format: goDuration,
    numeric: true,
    color: statColor(label),
  }));
}

export function rangeColumns<Row extends { rangeStats: Record<string, number> }>(labels: readonly string[]): Column<Row>[] {
  return labels.map((label) => ({
    key: `range:${label}`,
    label,
    value: (r: Row) => r.rangeStats[label] ?? 0,
    render: (r: Row) => goDuration(r.rangeStats[label] ?? 0),
    format: goDuration,
    numeric: true,
    color: statColor(label),
  }));
}

/** The group's columnar rows as one object per goroutine, for the tables. */
export function goroutineGroupRows(body: GoroutineGroupResponse): GoroutineGroup {
  const c = body.goroutines;
  const goroutines: GoroutineRow[] = c.id.map((id, k) => {
    const stats: Record<string, number> = {};
    for (const label of body.statLabels) stats[label] = c.stats[label]?.[k] ?? 0;
    const rangeStats: Record<string, number> = {};
    for (const label of body.rangeLabels) rangeStats[label] = c.rangeStats[label]?.[k] ?? 0;
    return { id, totalNs: c.totalNs[k], stats, rangeStats };
  });
  return { ...body, goroutines };
}

@customElement('tt-goroutine-group-page')
export class TtGoroutineGroupPage extends LitElement {
  static override styles = [sharedStyles, css`.summary td:first-child { color: var(--tt-muted); padding-right: 1rem; }`];

  @property({ attribute: false }) api!: ApiClient;
  @property({ attribute: false }) query: URLSearchParams = new URLSearchParams();

  private readonly group = new ResourceController<GoroutineGroup>(this, async (api, signal) =>
    goroutineGroupRows(await api.getJson<GoroutineGroupResponse>(`/api/goroutines/group?name=${encodeURIComponent(this.name)}`, signal)),
  );

  private get name(): string {
    return this.query.get('name') ?? '';
  }

  override willUpdate(): void {
    if (this.api) this.group.request(this.api, `group:${this.name}`);
  }

  private breakdownColumns(g: GoroutineGroup): Column<GoroutineRow>[] {
    return [
      {
        key: 'id',
        label: 'Goroutine',
        value: (r) => r.id,
        numeric: true,
        noStats: true,
        render: (r) => html`<a href="/goroutines/${r.id}">${r.id}</a> <a class="muted" href=${goroutineTimelineHref(r.id)} title="Show in the timeline">timeline</a>`,
      },
      { key: 'total', label: 'Total', value: (r) => r.totalNs, render: (r) => goDuration(r.totalNs), format: goDuration, numeric: true },
      {
        key: 'bar',
        label: '',
        value: () => null,
        sortable: false,
        noStats: true,
        render: (r) => html`<tt-breakdown-bar .stats=${r.stats} .labels=${g.statLabels} .max=${g.maxTotalNs}></tt-breakdown-bar>`,
      },
      ...statColumns<GoroutineRow>(g.statLabels),
    ];
  }

  private rangeTable(g: GoroutineGroup) {
    const rows = g.goroutines.filter((r) => Object.values(r.rangeStats).some((v) => v > 0));
    if (!g.rangeLabels.length || !rows.length) return html`<p class="muted">No goroutine of this group spent time in special ranges.</p>`;
    const columns: Column<GoroutineRow>[] = [
      { key: 'id', label: 'Goroutine', value: (r) => r.id, numeric: true, noStats: true, render: (r) => html`<a href="/goroutines/${r.id}">${r.id}</a>` },
      { key: 'total', label: 'Total', value: (r) => r.totalNs, render: (r) => goDuration(r.totalNs), format: goDuration, numeric: true },
      ...rangeColumns<GoroutineRow>(g.rangeLabels),
    ];
    return html`<tt-data-table .columns=${columns} .rows=${rows} sortKey="total" showPercentiles csvName="goroutine-ranges.csv"></tt-data-table>`;
  }

  override render() {
    const s = this.group.state;
    const title = this.name || unnamedGroup;
    if (s.kind === 'error') return html`<div class="page"><h1>Goroutines: <code>${title}</code></h1><div class="error">${s.message}</div></div>`;
    if (s.kind !== 'ready') return html`<div class="page"><h1>Goroutines: <code>${title}</code></h1><div class="loading">Loading the group…</div></div>`;
    const g = s.data;
    const nameParam = encodeURIComponent(g.name);
    return html`<div class="page">
      <h1>Goroutines: <code>${title}</code></h1>
      <h3>Summary</h3>
      <table class="summary">
        <tr><td>Goroutine start location:</td><td><code>${title}</code></td></tr>
        <tr><td>Count:</td><td>${g.count}</td></tr>
        <tr><td>Execution Time:</td><td>${g.execTimePercent === null ? '' : `${g.execTimePercent.toFixed(2)}%`} of total program execution time</td></tr>
        ${profileKinds.map(
          (p) => html`<tr><td>${p.short}:</td><td><a href="/profiles/${p.kind}?name=${nameParam}">graph</a>
            <a href="/api/pprof/${p.kind}?name=${nameParam}" download="${p.kind}.pb.gz">(download)</a></td></tr>`,
        )}
      </table>
      <h3>Distribution of total time</h3>
      <tt-histogram .buckets=${bucketsOf(g.goroutines.map((r) => r.totalNs))} label="goroutines"></tt-histogram>
      <h3 id="breakdown">Breakdown</h3>
      <p>The table below breaks down where each goroutine is spent its time during the traced period. All of the columns except total time are non-overlapping.
        Click a column to sort by it; the footer shows the 50th, 90th and 99th percentile of each column.</p>
      <tt-data-table .columns=${this.breakdownColumns(g)} .rows=${g.goroutines} sortKey="total" showPercentiles csvName="goroutines.csv"></tt-data-table>
      <h3 id="ranges">Special ranges</h3>
      <p>The table below describes how much of the traced period each goroutine spent in certain special time ranges. If a goroutine has spent no time in
        any special time ranges, it is excluded from the table. These times overlap with the times from the first table.</p>
      ${this.rangeTable(g)}
    </div>`;
  }
}
