// A sortable table with an optional p50/p90/p99 footer for numeric columns and a CSV
// download. Pages give it column descriptions and plain row objects; it owns only the sort.

import { LitElement, html, css, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { percentiles } from '../lib/stats.ts';
import { toCsv, downloadText } from '../lib/csv.ts';
import { sharedStyles } from '../styles/shared.ts';

export interface Column<Row> {
  key: string;
  label: string;
  /** The value used to sort, for percentiles and for the CSV. */
  value: (row: Row) => number | string | null | undefined;
  /** How the cell shows (defaults to the value). */
  render?: (row: Row) => TemplateResult | string;
  /** Formats numbers in the percentile footer. */
  format?: (value: number) => string;
  numeric?: boolean;
  /** Header background (go tool trace colours its breakdown headers). */
  color?: string;
  /** Excluded from percentiles (ids, bars). */
  noStats?: boolean;
  sortable?: boolean;
}

@customElement('tt-data-table')
export class TtDataTable<Row = unknown> extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host { display: block; overflow-x: auto; }
      th.sortable { cursor: pointer; user-select: none; }
      th.sortable:hover { text-decoration: underline; }
      th.colored { color: #fff; }
      tfoot td { background: var(--tt-panel); color: var(--tt-muted); font-size: 12px; }
      tfoot tr:first-child td { border-top: 2px solid var(--tt-border); }
      td.num { white-space: nowrap; }
      .more { margin: 0.4rem 0; }
    `,
  ];

  @property({ attribute: false }) columns: Column<Row>[] = [];
  @property({ attribute: false }) rows: Row[] = [];
  @property() sortKey = '';
  @property({ type: Boolean }) descending = true;
  @property({ type: Boolean }) showPercentiles = false;
  @property() csvName = '';
  /** Rows shown before "show all" (big groups have thousands of goroutines). */
  @property({ type: Number }) pageSize = 500;

  @state() private showAll = false;

  private sorted(): Row[] {
    const column = this.columns.find((c) => c.key === this.sortKey);
    if (!column) return this.rows;
    const dir = this.descending ? -1 : 1;
    return [...this.rows].sort((a, b) => {
      const va = column.value(a);
      const vb = column.value(b);
      if (va === vb) return 0;
      if (va === null || va === undefined) return 1;
      if (vb === null || vb === undefined) return -1;
      return (va < vb ? -1 : 1) * dir;
    });
  }

  private sortBy(column: Column<Row>): void {
    if (column.sortable === false) return;
    if (this.sortKey === column.key) this.descending = !this.descending;
    else {
      this.sortKey = column.key;
      this.descending = column.numeric !== false;
    }
    this.dispatchEvent(new CustomEvent('sort-change', { detail: { key: this.sortKey, descending: this.descending } }));
  }

  /** The table as CSV, in the current sort order. */
  csv(): string {
    return toCsv(
      this.columns.filter((c) => c.label).map((c) => c.label),
      this.sorted().map((row) => this.columns.filter((c) => c.label).map((c) => c.value(row) ?? '')),
    );
  }

  private renderFooter() {
    if (!this.showPercentiles || this.rows.length < 2) return nothing;
    const stats = new Map<string, number[]>();
    for (const c of this.columns) {
      if (!c.numeric || c.noStats) continue;
      const values = this.rows.map((r) => c.value(r)).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      stats.set(c.key, percentiles(values, [50, 90, 99]));
    }
    return html`<tfoot>${['p50', 'p90', 'p99'].map(
      (label, i) => html`<tr>${this.columns.map((c, ci) => {
        const v = stats.get(c.key);
        if (v) return html`<td class="num">${Number.isNaN(v[i]) ? '' : (c.format ?? String)(v[i])}</td>`;
        return html`<td>${ci === 0 ? label : ''}</td>`;
      })}</tr>`,
    )}</tfoot>`;
  }

  override render() {
    const rows = this.sorted();
    const shown = this.showAll ? rows : rows.slice(0, this.pageSize);
    return html`${this.csvName
        ? html`<div class="toolbar"><button @click=${() => downloadText(this.csvName, this.csv())} data-testid="csv">Download CSV</button>
            <span class="muted">${rows.length} row${rows.length === 1 ? '' : 's'}</span></div>`
        : nothing}
      <table class="data">
        <thead><tr>${this.columns.map(
          (c) => html`<th class="${c.numeric ? 'num' : ''} ${c.sortable === false ? '' : 'sortable'} ${c.color ? 'colored' : ''}"
            style=${c.color ? `background:${c.color}` : ''}
            @click=${() => this.sortBy(c)}
            aria-sort=${this.sortKey === c.key ? (this.descending ? 'descending' : 'ascending') : 'none'}>${c.label}${this.sortKey === c.key ? (this.descending ? ' ▾' : ' ▴') : ''}</th>`,
        )}</tr></thead>
        <tbody>${shown.map((row) => html`<tr>${this.columns.map((c) => html`<td class=${c.numeric ? 'num' : ''}>${c.render ? c.render(row) : String(c.value(row) ?? '')}</td>`)}</tr>`)}</tbody>
        ${this.renderFooter()}
      </table>
      ${rows.length > shown.length ? html`<div class="more"><button @click=${() => (this.showAll = true)}>Show all ${rows.length} rows</button></div>` : nothing}`;
  }
}
