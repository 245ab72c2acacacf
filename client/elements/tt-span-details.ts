// The details panel for the selected timeline span: what ran, when, for how long, its
// stacks (fetched by id through the TimelineData controller) and the flows into and out of
// it (who created or unblocked this goroutine, whom it unblocked).

import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { TimelineData, StackFrameLike } from '../controllers/timeline-data.ts';
import type { SpanSelection } from './tt-timeline-canvas.ts';
import type { Flow } from '../api/timeline-types.ts';
import { goDuration } from '../lib/duration.ts';
import { sharedStyles } from '../styles/shared.ts';

/** A task's view: its lane on top, and only its goroutines. */
const taskHref = (task: number) => `/timeline?view=goroutine&task=${task}`;

/** The details row naming what was selected, by SpanSelection.kind (goroutine states: 'State'). */
const kindTitles: Record<string, string> = { goroutine: 'Running', range: 'Range', region: 'Region', log: 'Log', task: 'Task' };

type StackState = { kind: 'none' } | { kind: 'loading' } | { kind: 'ready'; frames: StackFrameLike[] } | { kind: 'error'; message: string };

@customElement('tt-span-details')
export class TtSpanDetails extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host { font-size: 13px; }
      h3 { margin: 0 0 0.4rem; }
      .stack { font-family: var(--tt-mono); font-size: 12px; margin: 0.2rem 0 0.6rem; padding: 0; list-style: none; }
      .stack li { padding: 2px 0; border-bottom: 1px dotted var(--tt-border); }
      .stack .file { color: var(--tt-muted); display: block; word-break: break-all; }
      .stack span:first-child { word-break: break-word; }
      table.facts td:last-child { word-break: break-word; }
      table.facts td { padding: 1px 10px 1px 0; }
      .flows a { cursor: pointer; }
      .empty { color: var(--tt-muted); }
    `,
  ];

  @property({ attribute: false }) data!: TimelineData;
  @property({ attribute: false }) selection: SpanSelection | null = null;
  @property({ attribute: false }) flows: Flow[] = [];

  @state() private startStack: StackState = { kind: 'none' };
  @state() private endStack: StackState = { kind: 'none' };

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('selection')) {
      const s = this.selection;
      this.startStack = this.loadStack(s?.startStack ?? 0, (st) => (this.startStack = st));
      this.endStack = this.loadStack(s?.endStack ?? 0, (st) => (this.endStack = st));
    }
  }

  private loadStack(id: number, set: (s: StackState) => void): StackState {
    if (!id || !this.data) return { kind: 'none' };
    const selection = this.selection;
    this.data.stack(id, selection?.stackScope).then(
      (frames) => {
        if (this.selection === selection) set({ kind: 'ready', frames });
      },
      (err: Error) => {
        if (this.selection === selection) set({ kind: 'error', message: err.message });
      },
    );
    return { kind: 'loading' };
  }

  private renderStack(title: string, s: StackState) {
    if (s.kind === 'none') return nothing;
    return html`<h4>${title}</h4>${s.kind === 'loading'
      ? html`<div class="loading">Loading stack…</div>`
      : s.kind === 'error'
        ? html`<div class="error">${s.message}</div>`
        : s.frames.length === 0
          ? html`<div class="empty">(empty stack)</div>`
          : html`<ol class="stack" data-testid="stack">${s.frames.map(
              (f) => html`<li><span>${f.func}</span><span class="file">${f.file}:${f.line}</span></li>`,
            )}</ol>`}`;
  }

  private focusGoroutine(g: number, time: number): void {
    this.dispatchEvent(new CustomEvent('focus-goroutine', { detail: { goroutine: g, time }, bubbles: true, composed: true }));
  }

  /** A flow's other end: a goroutine to jump to, or the runtime (timers, network poller) when none. */
  private flowEnd(g: number, time: number) {
    return g >= 0 ? html`<a @click=${() => this.focusGoroutine(g, time)}>G${g}</a>` : html`the runtime (no goroutine)`;
  }

  private renderFlows(s: SpanSelection) {
    if (s.goroutine < 0) return nothing;
    const slack = Math.max(1, (s.end - s.start) * 0.001);
    const incoming = this.flows.filter((f) => f.toG === s.goroutine && f.toTime >= s.start - slack && f.toTime <= s.end + slack);
    const outgoing = this.flows.filter((f) => f.fromG === s.goroutine && f.fromTime >= s.start - slack && f.fromTime <= s.end + slack);
    if (!incoming.length && !outgoing.length) return nothing;
    const origin = this.data.origin;
    // go tool trace's arrow names: "go" (creation), "unblock (<reason>)", "exit blocked syscall".
    const what = (f: Flow) => (f.kind === 'go' ? 'created' : f.kind);
    return html`<h4>Flows</h4><ul class="flows">
      ${incoming.map((f) => html`<li>${what(f)} by ${this.flowEnd(f.fromG, f.fromTime)} at ${goDuration(f.fromTime - origin)}</li>`)}
      ${outgoing.map((f) => html`<li>${what(f)}: ${this.flowEnd(f.toG, f.toTime)} at ${goDuration(f.fromTime - origin)}</li>`)}
    </ul>`;
  }

  override render() {
    const s = this.selection;
    if (!s) return html`<p class="empty">Click a span to see its details. Keys: W/S zoom, A/D pan, F fits the selection, 0 fits the trace.</p>`;
    const origin = this.data?.origin ?? 0;
    return html`<h3 data-testid="details-title">${s.goroutine >= 0 ? `G${s.goroutine}` : s.label}</h3>
      <table class="facts">
        <tr><td>Lane</td><td>${s.laneName}</td></tr>
        <tr><td>${kindTitles[s.kind] ?? 'State'}</td><td>${s.label}</td></tr>
        ${s.task && s.kind !== 'task' ? html`<tr><td>Task</td><td><a href=${taskHref(s.task)} title="Show this task's view">${s.task}</a></td></tr>` : nothing}
        <tr><td>${s.kind === 'log' ? 'Time' : 'Start'}</td><td>${goDuration(s.start - origin)}</td></tr>
        ${s.kind === 'log' ? nothing : html`<tr><td>Duration</td><td>${goDuration(s.end - s.start)}</td></tr>`}
        ${s.merged > 1 ? html`<tr><td>Merged</td><td>${s.merged} ${s.kind === 'region' ? 'regions' : s.kind === 'log' ? 'log messages' : 'spans'} below one pixel (zoom in for each)</td></tr>` : nothing}
      </table>
      ${s.goroutine >= 0
        ? html`<p><a href="/goroutines/${s.goroutine}">Goroutine G${s.goroutine} summary</a> ·
            <a @click=${() => this.focusGoroutine(s.goroutine, s.start)} style="cursor:pointer">show its lane</a></p>`
        : nothing}
      ${this.renderFlows(s)}
      ${this.renderStack(s.startStack && s.endStack ? 'Start stack' : 'Stack', this.startStack)}
      ${this.renderStack(s.startStack ? 'End stack' : 'Stack', this.endStack)}`;
  }
}
