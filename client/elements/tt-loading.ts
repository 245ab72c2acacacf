// The loading screen shown while the server parses the trace: a progress bar fed by /api/status.

import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ParseStatus } from '../controllers/api-client.ts';
import { bytes } from '../lib/duration.ts';
import { sharedStyles } from '../styles/shared.ts';

@customElement('tt-loading')
export class TtLoading extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host { padding: 4rem 2rem; display: flex; justify-content: center; }
      .box { width: min(32rem, 90vw); }
      .bar { height: 8px; border-radius: 4px; background: var(--tt-panel); border: 1px solid var(--tt-border); overflow: hidden; }
      .fill { height: 100%; background: var(--tt-accent); transition: width 0.2s; }
    `,
  ];

  @property({ attribute: false }) status: ParseStatus | null = null;

  override render() {
    const s = this.status;
    const percent = s && Number.isFinite(s.percent) ? Math.max(0, Math.min(100, s.percent)) : 0;
    const detail = s && s.totalBytes > 0 ? `${bytes(s.bytesRead)} of ${bytes(s.totalBytes)} (${percent.toFixed(0)}%) processed…` : 'Connecting to the server…';
    return html`<div class="box" role="status" aria-live="polite">
      <h2>Parsing the trace</h2>
      <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${percent.toFixed(0)}>
        <div class="fill" style="width:${percent}%"></div>
      </div>
      <p class="muted">${detail}</p>
    </div>`;
  }
}
