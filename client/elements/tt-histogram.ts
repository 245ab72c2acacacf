// A duration histogram drawn with uPlot: one bar per log bucket (go tool trace's five per
// power of ten). Clicking a bar dispatches `bucket-select` with its [minNs, maxNs) range.

import { LitElement, html, css, unsafeCSS } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css';
import type { HistogramBucket } from '../api/types.ts';
import { shortDuration } from '../lib/duration.ts';
import { durationHistogram } from '../lib/stats.ts';

/** Buckets for raw durations, in the server's histogram form. */
export function bucketsOf(durationsNs: readonly number[]): HistogramBucket[] {
  const h = durationHistogram(durationsNs);
  return h.counts.map((count, i) => ({ minNs: h.edges[i], maxNs: h.edges[i + 1], count }));
}

@customElement('tt-histogram')
export class TtHistogram extends LitElement {
  static override styles = [
    unsafeCSS(uplotCss),
    css`
      :host { display: block; }
      .chart { min-height: 40px; }
      .empty { color: var(--tt-muted); font-size: 13px; }
    `,
  ];

  @property({ attribute: false }) buckets: HistogramBucket[] = [];
  @property({ type: Number }) width = 520;
  @property({ type: Number }) height = 180;
  @property() label = 'count';

  @query('.chart') private container!: HTMLDivElement;
  private plot: uPlot | null = null;

  override render() {
    return this.buckets.length ? html`<div class="chart"></div>` : html`<div class="empty">No complete durations to plot.</div>`;
  }

  override updated(): void {
    this.plot?.destroy();
    this.plot = null;
    if (!this.buckets.length || !this.container) return;
    const buckets = this.buckets;
    const xs = buckets.map((_, i) => i);
    const ys = buckets.map((b) => b.count);
    const opts: uPlot.Options = {
      width: this.width,
      height: this.height,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: { x: { time: false, range: [-0.6, buckets.length - 0.4] }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [
        {
          splits: () => xs,
          // Every k-th bucket bound, so labels (about 48 px each) never overlap.
          values: (u, splits) => {
            const every = Math.max(1, Math.ceil((buckets.length * 52) / Math.max(1, u.bbox.width / devicePixelRatio)));
            return splits.map((i) => (buckets[i] && i % every === 0 ? shortDuration(buckets[i].minNs) : ''));
          },
          size: 36,
          font: '11px system-ui, sans-serif',
          gap: 3,
        },
        { label: this.label, size: 48, font: '11px system-ui, sans-serif' },
      ],
      series: [
        {},
        {
          label: this.label,
          fill: 'rgba(47,111,214,0.75)',
          stroke: '#2f6fd6',
          paths: uPlot.paths.bars!({ size: [0.85, 80] }),
          points: { show: false },
        },
      ],
    };
    this.plot = new uPlot(opts, [xs, ys], this.container);
    const plot = this.plot;
    plot.over.title = 'Click a bar to open those in the list';
    plot.over.addEventListener('click', () => {
      const idx = plot.cursor.idx;
      if (idx === null || idx === undefined || !buckets[idx]) return;
      this.dispatchEvent(new CustomEvent('bucket-select', { detail: buckets[idx] }));
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.plot?.destroy();
    this.plot = null;
  }
}
