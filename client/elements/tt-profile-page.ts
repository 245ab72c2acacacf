// /profiles/:kind: one blocking profile (net, sync, syscall, sched) as a flame graph and a
// top-functions table, with the pprof download. Goroutine-group (name=) and region filters
// (type, pc, latmin, latmax, scope) pass straight through to the API, as go tool trace's
// /io?name=… and /regionio?… pages take them.

import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ApiClient } from '../controllers/api-client.ts';
import { ResourceController } from '../controllers/resource-controller.ts';
import type { ProfileTree } from '../api/types.ts';
import type { Column } from './tt-data-table.ts';
import { profileKinds } from './tt-index-page.ts';
import { goDuration } from '../lib/duration.ts';
import { sharedStyles } from '../styles/shared.ts';

const filterKeys = ['name', 'type', 'pc', 'latmin', 'latmax', 'scope'] as const;

type TopRow = ProfileTree['top'][number];

@customElement('tt-profile-page')
export class TtProfilePage extends LitElement {
  static override styles = [sharedStyles];

  @property({ attribute: false }) api!: ApiClient;
  @property() kind = 'sched';
  @property({ attribute: false }) query: URLSearchParams = new URLSearchParams();

  private readonly profile = new ResourceController<ProfileTree>(this, (api, signal) => api.getJson(`/api/profile/${this.kind}${this.filterQuery()}`, signal));

  /** The filters of this page's URL, as a query string for the API ('' or '?…'). */
  private filterQuery(): string {
    const out = new URLSearchParams();
    for (const key of filterKeys) {
      const value = this.query.get(key);
      if (value !== null) out.set(key, value);
    }
    const text = out.toString();
    return text ? `?${text}` : '';
  }

  override willUpdate(): void {
    if (this.api) this.profile.request(this.api, `${this.kind}${this.filterQuery()}`);
  }

  private topColumns(total: number): Column<TopRow>[] {
    const pct = (v: number) => (total ? `${((v / total) * 100).toFixed(2)}%` : '');
    return [
      { key: 'flat', label: 'Flat', value: (r) => r.flat, render: (r) => goDuration(r.flat), numeric: true, format: goDuration },
      { key: 'flatpct', label: 'Flat%', value: (r) => r.flat, render: (r) => pct(r.flat), numeric: true, noStats: true },
      { key: 'cum', label: 'Cum', value: (r) => r.cum, render: (r) => goDuration(r.cum), numeric: true, format: goDuration },
      { key: 'cumpct', label: 'Cum%', value: (r) => r.cum, render: (r) => pct(r.cum), numeric: true, noStats: true },
      { key: 'name', label: 'Function', value: (r) => r.name, numeric: false, render: (r) => html`<code>${r.name}</code>` },
      { key: 'file', label: 'File', value: (r) => r.file, numeric: false, render: (r) => html`<code class="muted">${r.file}</code>` },
    ];
  }

  private describeFilter() {
    const q = this.query;
    const parts: string[] = [];
    if (q.has('name')) parts.push(`goroutines started at ${q.get('name') || '(unnamed)'}`);
    if (q.has('type')) parts.push(`regions "${q.get('type')}"`);
    if (q.has('pc')) parts.push(`at 0x${q.get('pc')}`);
    if (q.has('latmin')) parts.push(`lasting ≥ ${q.get('latmin')}`);
    if (q.has('latmax')) parts.push(`lasting ≤ ${q.get('latmax')}`);
    if (q.get('scope') === 'region' && !parts.length) parts.push('time inside user regions');
    return parts.length ? html`<p>Only ${parts.join(', ')}.</p>` : html`<p class="muted">All goroutines (the profile <code>go tool trace -pprof=${this.kind}</code> writes).</p>`;
  }

  override render() {
    const info = profileKinds.find((p) => p.kind === this.kind);
    const filter = this.filterQuery();
    const s = this.profile.state;
    return html`<div class="page">
      <h1>${info?.title ?? `Profile ${this.kind}`}</h1>
      <div class="toolbar">
        ${profileKinds.map((p) => html`<a class="pill" href="/profiles/${p.kind}${filter}" aria-current=${p.kind === this.kind ? 'page' : 'false'}
          style=${p.kind === this.kind ? 'background:var(--tt-accent);color:#fff' : ''}>${p.short}</a>`)}
        <a href="/api/pprof/${this.kind}${filter}" download="${this.kind}.pb.gz"><button class="primary" data-testid="pprof-download">Download pprof</button></a>
      </div>
      ${this.describeFilter()}
      ${s.kind === 'error'
        ? html`<div class="error">${s.message}</div>`
        : s.kind !== 'ready'
          ? html`<div class="loading">Computing the profile…</div>`
          : s.data.root.total === 0
            ? html`<p class="muted">This profile is empty: no goroutine in scope was delayed this way.</p>`
            : html`<p>Total delay ${goDuration(s.data.totalNs)} over ${s.data.totalCount.toLocaleString('en-US')} events.</p>
                <tt-flame-graph .root=${s.data.root}></tt-flame-graph>
                <h2>Top functions</h2>
                <tt-data-table .columns=${this.topColumns(s.data.totalNs)} .rows=${s.data.top} sortKey="flat" csvName="${this.kind}-top.csv" .pageSize=${100}></tt-data-table>`}
      ${nothing}
    </div>`;
  }
}
