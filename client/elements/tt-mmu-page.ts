// /mmu: the minimum mutator utilization curve (uPlot, log-scale window axis) with go tool
// trace's toggles; clicking a point lists the worst windows of that size, each opening its
// time range in the timeline.

import { LitElement, html, css, unsafeCSS } from 'lit';
import { customElement, property, state, query } from 'lit/decorators.js';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css';
import type { ApiClient } from '../controllers/api-client.ts';
import type { Router } from '../controllers/router.ts';
import { ResourceController } from '../controllers/resource-controller.ts';
import type { MmuCurve, MmuWorst, TraceInfo } from '../api/types.ts';
import { niceDuration, goDuration } from '../lib/duration.ts';
import { sharedStyles } from '../styles/shared.ts';

interface Toggle {
  id: string;
  label: string;
  help: string;
}

const includeToggles: readonly Toggle[] = [
  { id: 'stw', label: 'STW', help: 'Stop-the-world stops all goroutines simultaneously.' },
  { id: 'background', label: 'Background workers', help: 'Background workers are GC-specific goroutines. 25% of the CPU is dedicated to background workers during GC.' },
  { id: 'assist', label: 'Mark assist', help: 'Mark assists are performed by allocation to prevent the mutator from outpacing GC.' },
  { id: 'sweep', label: 'Sweep', help: 'Sweep reclaims unused memory between GCs. (Enabling this may be very slow.).' },
];
const defaultFlags = ['stw', 'background', 'assist'];

@customElement('tt-mmu-page')
export class TtMmuPage extends LitElement {
  static override styles = [
    sharedStyles,
    unsafeCSS(uplotCss),
    css`
      .layout { display: flex; gap: 2rem; align-items: flex-start; flex-wrap: wrap; }
      .options p { margin: 0 0 1rem; }
      .options label { cursor: pointer; }
      .help { color: var(--tt-muted); font-size: 12px; display: block; margin: 0 0 4px 22px; max-width: 18rem; }
      .chart { min-height: 420px; }
      .chart.stale { opacity: 0.5; }
      ul.worst { padding-left: 1.2rem; }
    `,
  ];

  @property({ attribute: false }) api!: ApiClient;
  @property({ attribute: false }) router!: Router;
  @property({ attribute: false }) query: URLSearchParams = new URLSearchParams();

  @state() private perProc = false;
  @state() private include = new Set(defaultFlags);
  @state() private percentiles = false;
  @state() private selectedWindow: number | null = null;

  @query('.chart') private chartBox!: HTMLDivElement;
  private plot: uPlot | null = null;
  private plotted: MmuCurve | null = null;

  private readonly curve = new ResourceController<MmuCurve>(this, (api, signal) => api.getJson(`/api/mmu?flags=${encodeURIComponent(this.flags())}`, signal));
  private readonly worst = new ResourceController<{ worst: MmuWorst; trace: TraceInfo }>(this, async (api, signal) => {
    const [worst, trace] = await Promise.all([
      api.getJson<MmuWorst>(`/api/mmu/worst?window=${this.selectedWindow}&flags=${encodeURIComponent(this.flags())}`, signal),
      api.getJson<TraceInfo>('/api/trace', signal),
    ]);
    return { worst, trace };
  });

  override connectedCallback(): void {
    super.connectedCallback();
    const flags = this.query.get('flags');
    if (flags !== null) {
      const set = new Set(flags.split('|').filter(Boolean));
      this.perProc = set.has('perProc');
      this.percentiles = set.has('mut');
      this.include = new Set(includeToggles.map((t) => t.id).filter((id) => set.has(id)));
    }
  }

  private flags(): string {
    const parts: string[] = [];
    if (this.perProc) parts.push('perProc');
    for (const t of includeToggles) if (this.include.has(t.id)) parts.push(t.id);
    if (this.percentiles) parts.push('mut');
    return parts.join('|');
  }

  override willUpdate(): void {
    if (!this.api) return;
    this.curve.request(this.api, this.flags());
    if (this.selectedWindow !== null) this.worst.request(this.api, `${this.flags()}@${this.selectedWindow}`);
  }

  override updated(): void {
    const s = this.curve.state;
    if (s.kind === 'ready' && s.data !== this.plotted && this.chartBox) this.drawChart(s.data);
    this.chartBox?.classList.toggle('stale', s.kind === 'loading');
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.plot?.destroy();
  }

  private toggle(id: string, on: boolean): void {
    const next = new Set(this.include);
    if (on) next.add(id);
    else next.delete(id);
    this.include = next;
    this.changed();
  }

  private changed(): void {
    this.selectedWindow = null;
    this.router?.replaceQuery({ flags: this.flags() });
  }

  private drawChart(data: MmuCurve): void {
    this.plotted = data;
    this.plot?.destroy();
    const xs = data.curve.map((p) => p[0]);
    const series: uPlot.Series[] = [{ label: 'Window duration', value: (_u, v) => (v === null ? '' : niceDuration(Math.round(v))) }];
    const columns: number[][] = [xs];
    series.push({ label: 'Minimum mutator utilization', stroke: '#2f6fd6', width: 2, value: (_u, v) => (v === null ? '' : v.toFixed(4)) });
    columns.push(data.curve.map((p) => p[1]));
    if (data.quantiles) {
      const colors = ['#d7191c', '#fdae61', '#7b3294'];
      for (let i = 1; i < data.quantiles.length; i++) {
        series.push({ label: `p${+((1 - data.quantiles[i]) * 100).toFixed(1)} MU`, stroke: colors[(i - 1) % colors.length], width: 1.5 });
        columns.push(data.curve.map((p) => p[i + 1] ?? p[1]));
      }
    }
    const ticks: number[] = [];
    for (let v = data.xMinNs; v <= data.xMaxNs; v *= 10) ticks.push(v);
    const opts: uPlot.Options = {
      width: Math.min(900, Math.max(480, this.getBoundingClientRect().width - 380)),
      height: 440,
      title: 'Minimum mutator utilization',
      scales: { x: { time: false, distr: 3, log: 10 }, y: { range: [0, 1] } },
      axes: [
        { label: 'Window duration', splits: () => ticks, values: (_u, vals) => vals.map((v) => niceDuration(v)) },
        { label: data.quantiles ? 'Mutator utilization' : 'Minimum mutator utilization', size: 56 },
      ],
      cursor: { drag: { x: false, y: false } },
      series,
    };
    this.plot = new uPlot(opts, columns as uPlot.AlignedData, this.chartBox);
    const plot = this.plot;
    plot.over.addEventListener('click', () => {
      const idx = plot.cursor.idx;
      if (idx === null || idx === undefined) return;
      this.selectedWindow = Math.round(xs[idx]);
    });
  }

  private renderDetails() {
    if (this.selectedWindow === null) return html`<p class="muted">Select a point for details.</p>`;
    const s = this.worst.state;
    if (s.kind === 'error') return html`<div class="error">${s.message}</div>`;
    if (s.kind !== 'ready') return html`<div class="loading">Finding the worst windows…</div>`;
    const { worst, trace } = s.data;
    const w = worst.windowNs;
    const origin = trace.startTime ?? 0;
    // go tool trace prints the absolute time; the offset from the trace start is easier to place.
    return html`<p>Lowest mutator utilization in ${niceDuration(w)} windows:</p>
      <ul class="worst" data-testid="mmu-worst">${worst.windows.map(
        (win) => html`<li><a href="/timeline?view=proc&start=${Math.round(win.time)}&end=${Math.round(win.time + w)}">${win.mutatorUtil.toFixed(3)} at time ${niceDuration(win.time)}</a>
          <span class="muted">(${goDuration(win.time - origin)} into the trace)</span></li>`,
      )}</ul>`;
  }

  override render() {
    const s = this.curve.state;
    return html`<div class="page">
      <h1>Minimum mutator utilization</h1>
      <div class="layout">
        <div>
          ${s.kind === 'error' ? html`<div class="error">${s.message}</div>` : ''}
          ${s.kind === 'loading' && !this.plotted ? html`<div class="loading">Loading plot…</div>` : ''}
          <div class="chart" data-testid="mmu-chart"></div>
        </div>
        <div class="options">
          <p><b>View</b><br />
            <label><input type="radio" name="view" .checked=${!this.perProc} @change=${() => { this.perProc = false; this.changed(); }} /> System</label>
            <span class="help">Consider whole system utilization. For example, if one of four procs is available to the mutator, mutator utilization will be 0.25. This is the standard definition of an MMU.</span>
            <label><input type="radio" name="view" .checked=${this.perProc} @change=${() => { this.perProc = true; this.changed(); }} /> Per-goroutine</label>
            <span class="help">Consider per-goroutine utilization. When even one goroutine is interrupted by GC, mutator utilization is 0.</span>
          </p>
          <p><b>Include</b><br />
            ${includeToggles.map((t) => html`<label><input type="checkbox" .checked=${this.include.has(t.id)} @change=${(e: Event) => this.toggle(t.id, (e.target as HTMLInputElement).checked)} /> ${t.label}</label>
              <span class="help">${t.help}</span>`)}
          </p>
          <p><b>Display</b><br />
            <label><input type="checkbox" .checked=${this.percentiles} @change=${(e: Event) => { this.percentiles = (e.target as HTMLInputElement).checked; this.changed(); }} /> Show percentiles</label>
            <span class="help">Display percentile mutator utilization in addition to minimum. E.g., p99 MU drops the worst 1% of windows.</span>
          </p>
        </div>
      </div>
      <div class="details">${this.renderDetails()}</div>
      <p>
        This chart indicates the maximum GC pause time (the largest x value for which y is zero), and more generally, the fraction of time that the
        processors are available to application goroutines ("mutators"), for any time window of a specified size, in the worst case.
      </p>
    </div>`;
  }
}
