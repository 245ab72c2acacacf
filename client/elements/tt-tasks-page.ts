// /tasks: user task types with their duration histograms (go tool trace /usertasks); with
// ?type=T (and complete, latmin, latmax, logtext) the tasks of that type with their events
// (/usertask), each leading to its time range in the timeline.

import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ApiClient } from '../controllers/api-client.ts';
import { ResourceController } from '../controllers/resource-controller.ts';
import type { TaskTypes, TasksOfType, TraceInfo, HistogramBucket } from '../api/types.ts';
import type { Column } from './tt-data-table.ts';
import { goDuration } from '../lib/duration.ts';
import { sharedStyles } from '../styles/shared.ts';

const taskFilterKeys = ['type', 'complete', 'latmin', 'latmax', 'logtext'] as const;

type TypeRow = TaskTypes['types'][number];

/** A timeline link for an absolute [start, end] with a tenth of padding either side. */
export function timelineRangeHref(start: number, end: number, extra = ''): string {
  const pad = Math.max(1000, (end - start) * 0.1);
  return `/timeline?view=goroutine&start=${Math.round(start - pad)}&end=${Math.round(end + pad)}${extra}`;
}

@customElement('tt-tasks-page')
export class TtTasksPage extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      table.events td { border: 0; padding: 1px 8px; font-size: 12px; }
      table.events td.when { color: var(--tt-muted); white-space: nowrap; text-align: right; }
      .task { border-top: 1px solid var(--tt-border); padding: 6px 0; }
      .task h4 { margin: 0 0 2px; font-size: 13px; }
    `,
  ];

  @property({ attribute: false }) api!: ApiClient;
  @property({ attribute: false }) query: URLSearchParams = new URLSearchParams();

  private readonly types = new ResourceController<TaskTypes>(this, (api, signal) => api.getJson('/api/tasks', signal));
  private readonly tasks = new ResourceController<{ list: TasksOfType; trace: TraceInfo }>(this, async (api, signal) => {
    const [list, trace] = await Promise.all([api.getJson<TasksOfType>(`/api/tasks/type?${this.filterQuery()}`, signal), api.getJson<TraceInfo>('/api/trace', signal)]);
    return { list, trace };
  });

  private filterQuery(): string {
    const out = new URLSearchParams();
    for (const key of taskFilterKeys) {
      const v = this.query.get(key);
      if (v !== null) out.set(key, v);
    }
    return out.toString();
  }

  override willUpdate(): void {
    if (!this.api) return;
    if (this.query.has('type')) this.tasks.request(this.api, this.filterQuery());
    else this.types.request(this.api, 'types');
  }

  private bucketHref(type: string, b: HistogramBucket): string {
    return `/tasks?type=${encodeURIComponent(type)}&complete=1&latmin=${b.minNs}&latmax=${b.maxNs}`;
  }

  private renderTypes(data: TaskTypes) {
    if (!data.types.length) return html`<p class="muted">This trace has no user tasks (<a href="https://pkg.go.dev/runtime/trace#NewTask">trace.NewTask</a>).</p>`;
    const columns: Column<TypeRow>[] = [
      { key: 'type', label: 'Task type', value: (t) => t.type, numeric: false, render: (t) => html`<code>${t.type}</code>` },
      { key: 'count', label: 'Count', value: (t) => t.count, numeric: true, render: (t) => html`<a href="/tasks?type=${encodeURIComponent(t.type)}">${t.count}</a>` },
      { key: 'complete', label: 'Complete', value: (t) => t.completeCount, numeric: true },
      {
        key: 'hist',
        label: 'Duration distribution (complete tasks)',
        value: () => null,
        sortable: false,
        noStats: true,
        render: (t) => html`<tt-histogram .buckets=${t.histogram.buckets} .height=${140} .width=${460} label="tasks"
          @bucket-select=${(e: CustomEvent<HistogramBucket>) => this.dispatchEvent(new CustomEvent('navigate', { detail: this.bucketHref(t.type, e.detail), bubbles: true, composed: true }))}></tt-histogram>`,
      },
    ];
    return html`<tt-data-table .columns=${columns} .rows=${data.types} sortKey="type" .descending=${false} csvName="task-types.csv"></tt-data-table>`;
  }

  private renderTasks(list: TasksOfType, trace: TraceInfo) {
    const origin = trace.startTime ?? 0;
    return html`<p class="muted">${list.filter}</p>
      <h3>Durations</h3>
      <tt-histogram .buckets=${list.histogram.buckets} label="tasks"
        @bucket-select=${(e: CustomEvent<HistogramBucket>) => this.dispatchEvent(new CustomEvent('navigate', { detail: this.bucketHref(this.query.get('type') ?? '', e.detail), bubbles: true, composed: true }))}></tt-histogram>
      <h3>${list.total} task${list.total === 1 ? '' : 's'}</h3>
      ${list.tasks.slice(0, 300).map((t) => {
        const start = origin + t.startNs;
        const end = start + t.durationNs;
        return html`<div class="task">
          <h4>Task ${t.id} · ${t.complete ? goDuration(t.durationNs) : html`<span class="muted">incomplete (${goDuration(t.durationNs)} seen)</span>`} ·
            <a href=${timelineRangeHref(start, end, t.id === 0 ? '' : `&task=${t.id}`)} title="The task's view: its lane on top, only its goroutines, their regions and logs">timeline</a>
            ${t.goroutines.length ? html`<span class="muted"> · goroutines ${t.goroutines.map((g, i) => html`${i ? ', ' : ''}<a href="/goroutines/${g}">${g}</a>`)}</span>` : ''}</h4>
          <table class="events">${t.events.map(
            (e) => html`<tr><td class="when">${goDuration(e.whenNs)}</td><td class="when">${e.elapsedNs ? `+${goDuration(e.elapsedNs)}` : ''}</td><td>G${e.goroutine}</td><td>${e.what}</td></tr>`,
          )}</table>
        </div>`;
      })}
      ${list.total > 300 ? html`<p class="muted">Showing the shortest 300 of ${list.total}; narrow the list with a histogram bucket.</p>` : ''}`;
  }

  override render() {
    const type = this.query.get('type');
    if (type !== null) {
      const s = this.tasks.state;
      return html`<div class="page">
        <h1>User Task: <code>${type}</code></h1>
        <p><a href="/tasks">All task types</a></p>
        ${s.kind === 'error' ? html`<div class="error">${s.message}</div>` : s.kind !== 'ready' ? html`<div class="loading">Loading tasks…</div>` : this.renderTasks(s.data.list, s.data.trace)}
      </div>`;
    }
    const s = this.types.state;
    return html`<div class="page">
      <h1>User-defined tasks</h1>
      <p>Tasks by type, with the distribution of the durations of the complete ones. Click a count for the tasks of a type, or a bar for the tasks in that duration range.</p>
      ${s.kind === 'error' ? html`<div class="error">${s.message}</div>` : s.kind !== 'ready' ? html`<div class="loading">Loading tasks…</div>` : this.renderTypes(s.data)}
    </div>`;
  }
}
