// go tool trace's stacked breakdown bar: one coloured segment per non-overlapping stat, as a
// share of the longest total in the table (so rows compare at a glance).

import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import { statColor } from '../lib/colors.ts';
import { goDuration } from '../lib/duration.ts';

@customElement('tt-breakdown-bar')
export class TtBreakdownBar extends LitElement {
  static override styles = css`
    :host { display: inline-block; width: 300px; height: 10px; vertical-align: middle; }
    .bar { display: flex; width: 100%; height: 100%; background: #f1f3f6; }
    span { display: block; height: 100%; }
  `;

  @property({ attribute: false }) stats: Record<string, number> = {};
  @property({ attribute: false }) labels: string[] = [];
  @property({ type: Number }) max = 0;

  override render() {
    const max = this.max;
    return html`<div class="bar" role="img" aria-label="time breakdown">${this.labels.map((label) => {
      const value = this.stats[label] ?? 0;
      if (!value || !max) return '';
      return html`<span title="${label}: ${goDuration(value)}" style=${styleMap({ width: `${(value / max) * 100}%`, background: statColor(label) })}></span>`;
    })}</div>`;
  }
}
