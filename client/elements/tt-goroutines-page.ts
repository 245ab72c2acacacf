// /goroutines: goroutine groups by start location, sorted by total execution time, as go
// tool trace's "Goroutines" page.

import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ApiClient } from '../controllers/api-client.ts';
import { ResourceController } from '../controllers/resource-controller.ts';
import type { GoroutineGroupSummary } from '../api/types.ts';
import type { Column } from './tt-data-table.ts';
import { goDuration } from '../lib/duration.ts';
import { sharedStyles } from '../styles/shared.ts';

export const unnamedGroup = '(Inactive, no stack trace sampled)';

export function groupHref(name: string): string {
  return `/goroutines/group?name=${encodeURIComponent(name)}`;
}

@customElement('tt-goroutines-page')
export class TtGoroutinesPage extends LitElement {
  static override styles = [sharedStyles];

  @property({ attribute: false }) api!: ApiClient;

  private readonly groups = new ResourceController<{ groups: GoroutineGroupSummary[] }>(this, (api, signal) => api.getJson('/api/goroutines', signal));

  private readonly columns: Column<GoroutineGroupSummary>[] = [
    {
      key: 'name',
      label: 'Start location',
      value: (g) => g.name,
      numeric: false,
      render: (g) => html`<code><a href=${groupHref(g.name)}>${g.name || unnamedGroup}</a></code>`,
    },
    { key: 'count', label: 'Count', value: (g) => g.count, numeric: true },
    { key: 'exec', label: 'Total execution time', value: (g) => g.execTimeNs, numeric: true, format: goDuration, render: (g) => goDuration(g.execTimeNs) },
  ];

  override willUpdate(): void {
    if (this.api) this.groups.request(this.api, '/api/goroutines');
  }

  override render() {
    const s = this.groups.state;
    return html`<div class="page">
      <h1>Goroutines</h1>
      <p>Below is a table of all goroutines in the trace grouped by start location and sorted by the total execution time of the group.
        Click a start location to view more details about that group.</p>
      ${s.kind === 'error'
        ? html`<div class="error">${s.message}</div>`
        : s.kind !== 'ready'
          ? html`<div class="loading">Loading goroutine groups…</div>`
          : html`<tt-data-table .columns=${this.columns} .rows=${s.data.groups} sortKey="exec" showPercentiles csvName="goroutine-groups.csv"></tt-data-table>`}
    </div>`;
  }
}
