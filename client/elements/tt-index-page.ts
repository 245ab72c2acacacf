// The overview page (/): the trace's facts, then links to every view with go tool trace's
// own explanations (cmd/trace main page wording), adapted to this viewer.

import { LitElement, html, nothing, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ApiClient } from '../controllers/api-client.ts';
import { ResourceController } from '../controllers/resource-controller.ts';
import type { TraceInfo } from '../api/types.ts';
import { goDuration, bytes } from '../lib/duration.ts';
import { sharedStyles } from '../styles/shared.ts';

export const profileKinds: readonly { kind: string; title: string; short: string }[] = [
  { kind: 'net', title: 'Network blocking profile', short: 'Network wait profile' },
  { kind: 'sync', title: 'Synchronization blocking profile', short: 'Sync block profile' },
  { kind: 'syscall', title: 'Syscall profile', short: 'Syscall profile' },
  { kind: 'sched', title: 'Scheduler latency profile', short: 'Scheduler wait profile' },
];

@customElement('tt-index-page')
export class TtIndexPage extends LitElement {
  static override styles = [sharedStyles, css`.lost { color: var(--tt-error); font-weight: 600; }`];

  @property({ attribute: false }) api!: ApiClient;

  private readonly info = new ResourceController<TraceInfo>(this, (api, signal) => api.getJson<TraceInfo>('/api/trace', signal));

  override willUpdate(): void {
    if (this.api) this.info.request(this.api, '/api/trace');
  }

  private renderFacts() {
    const s = this.info.state;
    if (s.kind === 'error') return html`<div class="error">${s.message}</div>`;
    if (s.kind !== 'ready') return html`<div class="loading">Loading trace facts…</div>`;
    const t = s.data;
    const lost = t.lostData;
    return html`<table class="facts" data-testid="trace-facts">
        <tr><td>File</td><td><code>${t.file}</code> <span class="muted">(${bytes(t.fileSize)})</span></td></tr>
        <tr><td>Go version</td><td>${t.goVersion} <span class="muted">(${t.format} format)</span></td></tr>
        <tr><td>Duration</td><td>${goDuration(t.durationNs)}</td></tr>
        <tr><td>Events</td><td>${t.events.toLocaleString('en-US')}
          <span class="muted">in ${t.generations} generation${t.generations === 1 ? '' : 's'}</span></td></tr>
        <tr><td>GOMAXPROCS</td><td>${t.procs}${t.maxGomaxprocs && t.maxGomaxprocs !== t.procs ? html` <span class="muted">(up to ${t.maxGomaxprocs})</span>` : nothing}</td></tr>
        ${t.goroutines !== undefined ? html`<tr><td>Goroutines</td><td>${t.goroutines.toLocaleString('en-US')}</td></tr>` : nothing}
        ${t.threads !== undefined ? html`<tr><td>Threads</td><td>${t.threads}</td></tr>` : nothing}
        <tr><td>Lost data</td><td>${lost
          ? html`<span class="lost">${lost.note}</span> <span class="muted">(${lost.error})</span>`
          : 'none'}</td></tr>
      </table>`;
  }

  override render() {
    return html`<div class="page">
      <h1>tstrace: the Go trace event viewer</h1>
      <p>
        This viewer provides various visualizations of an event log gathered during the execution of a Go program
        that uses the <a href="https://pkg.go.dev/runtime/trace" target="_blank" rel="noopener">runtime/trace</a> package.
      </p>
      ${this.renderFacts()}

      <h2>Event timelines for running goroutines</h2>
      <ul>
        <li><a href="/timeline?view=proc">View trace by proc</a></li>
        <li><a href="/timeline?view=thread">View trace by thread</a></li>
        <li><a href="/timeline?view=goroutine">View trace by goroutine</a></li>
      </ul>
      <p>
        This view displays a series of timelines for a type of resource. The "by proc" view consists of a timeline for
        each of the GOMAXPROCS logical processors, showing which goroutine (if any) was running on that logical
        processor at each moment. The "by thread" view consists of a similar timeline for each OS thread, and the
        "by goroutine" view of one timeline per goroutine with its states: running, runnable, blocked and in syscalls.
        Each goroutine has an identifying number (e.g. G123), main function, and color. A colored bar represents an
        uninterrupted span of execution.
      </p>
      <p>
        Clicking on a span reveals information about it, such as its duration, the goroutine that created or
        unblocked it (drawn as a flow arrow), and its stack trace. Above the processors are lanes for the heap
        (allocated and goal), goroutines by state, threads, GC and stop-the-world phases, and CPU samples.
        Zoom with the mouse wheel or W/S, pan by dragging or with A/D. The whole trace is also available as a
        <a href="/api/export/perfetto" download>Perfetto trace</a> and as
        <a href="/api/export/chrome" download>Chrome trace-event JSON</a>.
      </p>

      <ul><li><a href="/goroutines">Goroutine analysis</a></li></ul>
      <p>
        This view displays information about each set of goroutines that shares the same main function. Clicking on a
        main function shows links to the four types of blocking profile (see below) applied to that subset of
        goroutines. It also shows a table of specific goroutine instances, with various execution statistics and a
        link to the event timeline for each one.
      </p>

      <h2>Profiles</h2>
      <p>
        Each link below displays a global profile as an interactive flame graph. In addition there is a link to
        download the profile for offline analysis with pprof. All four profiles represent causes of delay that prevent
        a goroutine from running on a logical processor: because it was waiting for the network, for a
        synchronization operation on a mutex or channel, for a system call, or for a logical processor to become
        available.
      </p>
      <ul>
        ${profileKinds.map((p) => html`<li><a href="/profiles/${p.kind}">${p.title}</a>
          (<a href="/api/pprof/${p.kind}" download="${p.kind}.pb.gz" title="Download the pprof profile">⬇</a>)</li>`)}
      </ul>

      <h2>User-defined tasks and regions</h2>
      <p>
        The trace API allows a target program to annotate a
        <a href="https://pkg.go.dev/runtime/trace#Region" target="_blank" rel="noopener">region</a> of code within a goroutine,
        such as a key function, so that its performance can be analyzed.
        <a href="https://pkg.go.dev/runtime/trace#Log" target="_blank" rel="noopener">Log events</a> may be associated with a
        region to record progress and relevant values. The API also allows annotation of higher-level
        <a href="https://pkg.go.dev/runtime/trace#Task" target="_blank" rel="noopener">tasks</a>, which may involve work across
        many goroutines.
      </p>
      <p>
        The links below display, for each region and task, a histogram of its execution times; each one leads to the
        timeline range where it ran.
      </p>
      <ul>
        <li><a href="/tasks">User-defined tasks</a></li>
        <li><a href="/regions">User-defined regions</a></li>
      </ul>

      <h2>Garbage collection metrics</h2>
      <ul><li><a href="/mmu">Minimum mutator utilization</a></li></ul>
      <p>
        This chart indicates the maximum GC pause time (the largest x value for which y is zero), and more generally,
        the fraction of time that the processors are available to application goroutines ("mutators"), for any time
        window of a specified size, in the worst case.
      </p>
    </div>`;
  }
}
