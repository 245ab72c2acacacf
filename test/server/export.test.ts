// Exports. Chrome JSON: compared with what go tool trace 1.27 itself serves at /jsontrace
// (proc and thread views), run live on the same fixture — same slices (name, start, duration,
// row, args), counters, arrows, CPU samples and user log messages. Perfetto: decoded with the schema we write.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { parseTraceFile, TraceTables } from '../../parser/index.ts';
import { createTimelineModel } from '../../parser/model/timeline-builder.ts';
import { SliceKind } from '../../parser/model/timeline.ts';
import { registerErrorHandling } from '../../server/http/errors.ts';
import { registerTimelineRoutes, type TimelineSource } from '../../server/routes/timeline.ts';
import { TraceMessage } from '../../server/encode/perfetto.ts';
import { getFixture } from '../helpers/fixtures.ts';
import { createSummarizer } from '../../parser/analysis/summary.ts';
import { annotationIndex } from '../../parser/analysis/annotations.ts';

const GO = '/usr/lib/go-1.27/bin/go';
const haveGo = existsSync(GO);

async function loadSource(id: string): Promise<TimelineSource> {
  const tables = new TraceTables();
  const analysis = createTimelineModel(tables);
  // The user log messages come from the summary, as the served app takes them.
  const summarizer = createSummarizer(tables);
  await parseTraceFile(getFixture(id).tracePath, {
    tables,
    onEvent: (e) => {
      analysis.handleEvent(e);
      summarizer.handleEvent(e);
    },
  });
  const summary = summarizer.finish();
  return {
    model: analysis.finish(),
    tables,
    userLogs: () => ({ logs: annotationIndex(summary).logs, stacksInTables: true }),
    annotations: () => annotationIndex(summary),
  };
}

async function exportOf(source: TimelineSource, url: string): Promise<Buffer> {
  const app = Fastify();
  registerErrorHandling(app);
  registerTimelineRoutes(app, () => source);
  const res = await app.inject({ method: 'GET', url });
  await app.close();
  expect(res.statusCode).toBe(200);
  return res.rawPayload;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Runs `go tool trace -http` on the trace and fetches its /jsontrace for both views. */
async function goToolTraceJson(tracePath: string): Promise<{ proc: any; thread: any }> {
  const port = await freePort();
  const env = { ...process.env, GOROOT: '/usr/lib/go-1.27', BROWSER: '/bin/true' };
  // Run the trace tool's binary itself, so killing it leaves no grandchild behind.
  const tool = execFileSync(GO, ['tool', '-n', 'trace'], { env, encoding: 'utf8' }).trim();
  const child: ChildProcess = spawn(tool, [`-http=127.0.0.1:${port}`, tracePath], { env, stdio: 'ignore' });
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      try {
        await fetch(`${base}/`);
        break;
      } catch {
        if (i > 200) throw new Error('go tool trace did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const proc = await (await fetch(`${base}/jsontrace`)).json();
    const thread = await (await fetch(`${base}/jsontrace?view=thread`)).json();
    return { proc, thread };
  } finally {
    child.kill('SIGTERM');
  }
}

/** The events both sides write, as comparable keys (ids and stack numbering differ by design). */
function eventKeys(doc: { traceEvents: any[] }): string[] {
  const keys: string[] = [];
  for (const e of doc.traceEvents) {
    if (e.ph === 'X') keys.push(`X|${e.name}|${e.ts}|${e.dur ?? 0}|${e.tid}|${JSON.stringify(e.args ?? null)}`);
    else if (e.ph === 'C') keys.push(`C|${e.name}|${e.ts}|${JSON.stringify(e.args)}`);
    else if (e.ph === 's' || e.ph === 't') keys.push(`${e.ph}|${e.name}|${e.ts}|${e.tid}`);
    else if (e.ph === 'I' && e.name === 'CPU profile sample') keys.push(`I|${e.ts}|${e.tid}`);
    else if (e.ph === 'I' && e.cat === 'user event') keys.push(`L|${e.name}|${e.ts}|${e.tid}|${e.sf ? 'stack' : 'none'}`);
  }
  return keys.sort();
}

describe.runIf(haveGo)('Chrome JSON export equals go tool trace 1.27 /jsontrace', () => {
  for (const id of ['go1.27/demo', 'go1.27/syscall', 'go1.27/cgo', 'go1.27/cpuprofile', 'go1.22/demo', 'go1.21/demo']) {
    it(id, async () => {
      const source = await loadSource(id);
      const gold = await goToolTraceJson(getFixture(id).tracePath);
      for (const view of ['proc', 'thread'] as const) {
        const ours = JSON.parse((await exportOf(source, `/api/export/chrome?view=${view}`)).toString('utf8'));
        const theirs = eventKeys(gold[view]);
        expect(theirs.length).toBeGreaterThan(50);
        expect(eventKeys(ours), `${id} ${view} view`).toEqual(theirs);
        // Stack ids resolve in our stackFrames table.
        for (const e of ours.traceEvents) if (e.sf) expect(ours.stackFrames[e.sf], `${id} sf ${e.sf}`).toBeDefined();
      }
    }, 60_000);
  }
});

describe('Perfetto export', () => {
  let source: TimelineSource;
  afterAll(() => undefined);

  it('decodes with the schema and holds one slice per goroutine execution span', async () => {
    source = await loadSource('go1.27/demo');
    const { model } = source;
    const bytes = await exportOf(source, '/api/export/perfetto');
    const trace = TraceMessage.toObject(TraceMessage.decode(bytes), { longs: Number, enums: Number }) as { packet: any[] };
    const described = new Map<number, { name: string; parent?: number }>();
    for (const p of trace.packet) if (p.track_descriptor) described.set(p.track_descriptor.uuid, { name: p.track_descriptor.name, parent: p.track_descriptor.parent_uuid });

    // Balanced begin/end per track, monotonic time per sequence, every track described.
    const open = new Map<number, number>();
    const lastTime = new Map<number, number>();
    const sliceNamesByTrack = new Map<number, string[]>();
    for (const p of trace.packet) {
      const te = p.track_event;
      if (!te) continue;
      expect(described.has(te.track_uuid)).toBe(true);
      const seq = p.trusted_packet_sequence_id;
      expect(p.timestamp).toBeGreaterThanOrEqual(lastTime.get(seq) ?? 0);
      lastTime.set(seq, p.timestamp);
      if (te.type === 1) {
        expect(open.get(te.track_uuid) ?? 0).toBe(0);
        open.set(te.track_uuid, 1);
        const list = sliceNamesByTrack.get(te.track_uuid) ?? [];
        list.push(te.name);
        sliceNamesByTrack.set(te.track_uuid, list);
      } else if (te.type === 2) {
        expect(open.get(te.track_uuid)).toBe(1);
        open.set(te.track_uuid, 0);
      }
    }
    expect([...open.values()].every((n) => n === 0)).toBe(true);

    // Execution slices on proc tracks: exactly the model's (one per goroutine execution span).
    const procGroup = [...described].find(([, d]) => d.name === 'Procs')![0];
    const procTracks = new Set([...described].filter(([, d]) => d.parent === procGroup).map(([u]) => u));
    let perfettoExecs = 0;
    for (const [uuid, names] of sliceNamesByTrack) {
      const parent = described.get(uuid)!.parent!;
      if (procTracks.has(uuid) || procTracks.has(parent)) perfettoExecs += names.filter((n) => /^G\d+/.test(n)).length;
    }
    let modelExecs = 0;
    for (const t of model.tracks) {
      if (t.kind !== 'proc') continue;
      for (let lane = 0; lane < t.lanes; lane++) {
        const [lo, hi] = model.laneRange(t.id, lane);
        for (let i = lo; i < hi; i++) if (model.slices.kind[i] === SliceKind.GoroutineExec) modelExecs++;
      }
    }
    expect(modelExecs).toBeGreaterThan(100);
    expect(perfettoExecs).toBe(modelExecs);

    // Goroutine tracks carry the state rows: as many slices as state spans.
    const goGroup = [...described].find(([, d]) => d.name === 'Goroutines')![0];
    let stateSlices = 0;
    for (const [uuid, names] of sliceNamesByTrack) if (described.get(uuid)!.parent === goGroup) stateSlices += names.length - names.filter((n) => /^(GC|stop-the-world)/.test(n)).length;
    expect(stateSlices).toBe(model.states.spans);
  });

  it("writes each goroutine's regions (a track per depth) and log messages (instants)", async () => {
    const source = await loadSource('go1.27/annotations');
    const index = source.annotations!();
    const bytes = await exportOf(source, '/api/export/perfetto');
    const trace = TraceMessage.toObject(TraceMessage.decode(bytes), { longs: Number, enums: Number }) as { packet: any[] };
    const names = new Map<number, string>();
    for (const p of trace.packet) if (p.track_descriptor) names.set(p.track_descriptor.uuid, p.track_descriptor.name);
    const regions: string[] = [];
    const logs: string[] = [];
    for (const p of trace.packet) {
      const te = p.track_event;
      if (te?.type === 1 && te.categories?.[0] === 'region') regions.push(`${names.get(te.track_uuid)}|${te.name}|${p.timestamp}`);
      if (te?.type === 3) logs.push(`${names.get(te.track_uuid)}|${te.name}|${p.timestamp}`);
    }
    // Every region and log of the trace, on its goroutine's track for its depth.
    const trackName = new Map(source.model.tracks.filter((t) => t.kind === 'goroutine').map((t) => [t.resource, t.name]));
    const r = index.regions;
    const wantRegions = Array.from({ length: r.count }, (_, i) => `${trackName.get(r.goroutine[i])} regions${r.depth[i] ? ` (${r.depth[i] + 1})` : ''}|${r.name[i]}|${Math.max(r.start[i], source.model.startTime)}`);
    expect(regions.sort()).toEqual(wantRegions.sort());
    expect(regions.length).toBeGreaterThan(10);
    const l = index.logs;
    const wantLogs = Array.from({ length: l.count }, (_, i) => i).filter((i) => trackName.has(l.goroutine[i])).map((i) => `${trackName.get(l.goroutine[i])} logs|${l.text[i]}|${l.time[i]}`);
    expect(logs.sort()).toEqual(wantLogs.sort());
    expect(logs.length).toBeGreaterThan(5);
  });
});
