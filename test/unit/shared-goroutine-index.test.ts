// Served, the summary and the blocking profiles share one goroutine id → row lookup
// (parser/analysis/goroutine-index.ts), stepped once per event before they see it. They must
// give exactly what each gives with its own lookup: on real traces, on the summary oracle's
// hand-made streams, and when a goroutine first appears already running (Go rejects such a
// goroutine: it must not get a row in the table).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTraceFile, TraceTables, type TraceEvent } from '../../parser/index.ts';
import { EventKind, GoState, ResourceKind, TraceEvent as Event } from '../../parser/model/event.ts';
import { createSummarizer } from '../../parser/analysis/summary.ts';
import { BLOCKING_PROFILE_KINDS, createBlockingProfiles } from '../../parser/analysis/pprof.ts';
import { GoroutineIndex } from '../../parser/analysis/goroutine-index.ts';
import { listFixtures } from '../helpers/fixtures.ts';

/** The summary and profiles fed one stream, with a shared index or their own. */
function analyses(tables: TraceTables, shared: boolean) {
  const index = shared ? new GoroutineIndex() : undefined;
  const summary = createSummarizer(tables, index);
  const profiles = createBlockingProfiles(tables, undefined, index);
  return {
    feed(ev: TraceEvent) {
      index?.step(ev);
      summary.handleEvent(ev);
      profiles.handleEvent(ev);
    },
    result() {
      const s = summary.finish();
      const p = profiles.finish();
      const rows = [];
      for (let i = 0; i < s.goroutines.length; i++) rows.push(s.goroutines.get(i));
      let kinds: unknown;
      try {
        kinds = BLOCKING_PROFILE_KINDS.map((k) => p.profile(k, null));
      } catch (err) {
        kinds = String(err);
      }
      return { rows, profiles: kinds, windows: [...p.allGoroutineWindows()] };
    },
  };
}

describe('the summary and profiles with a shared goroutine index', () => {
  const fixtures = [...listFixtures({ version: '1.27', format: 'v2' }), ...listFixtures({ version: '1.22', scenario: ['gc', 'sync'], format: 'v2' })];

  it.each(fixtures.map((f) => [f.id, f.tracePath]))('%s: same rows, profiles and windows as with their own lookups', async (_id, path) => {
    const tables = new TraceTables();
    const own = analyses(tables, false);
    const shared = analyses(tables, true);
    await parseTraceFile(path, { tables, worker: false, onEvent: (ev) => { own.feed(ev); shared.feed(ev); } });
    const a = own.result();
    expect(a.rows.length).toBeGreaterThan(0);
    expect(shared.result()).toEqual(a);
  });

  interface OracleEvent { k: number; t: number; g: number; p: number; m: number; s?: number; n?: string; rk?: number; ri?: number; os?: number; ns?: number; r?: string; ts?: number; cat?: string; msg?: string; task?: number; ptask?: number }
  interface OracleCase { name: string; stacks: [number, string, string, number][][]; events: OracleEvent[] }
  const cases = JSON.parse(readFileSync(join(import.meta.dirname, 'summary-oracle', 'cases.json'), 'utf8')) as OracleCase[];

  /** Replays an oracle case; `stray`: after each Sync, goroutine 987654 is first seen running, then blocks. */
  function replay(c: OracleCase, shared: boolean, stray: boolean) {
    const tables = new TraceTables();
    const stacks = c.stacks.map((frames) => tables.internStack(frames.map(([pc, fn, file, line]) => tables.internFrame(pc, fn, file, line))));
    const run = analyses(tables, shared);
    const ev = new Event();
    for (const e of c.events) {
      ev.reset();
      Object.assign(ev, {
        kind: e.k, time: e.t, g: e.g, p: e.p, m: e.m, stack: stacks[e.s ?? 0], name: e.n ?? '', resourceKind: e.rk ?? 0, resourceId: e.ri ?? 0,
        oldState: e.os ?? 0, newState: e.ns ?? 0, reason: e.r ?? '', transitionStack: stacks[e.ts ?? 0], category: e.cat ?? '', message: e.msg ?? '',
      });
      if (e.task !== undefined) ev.taskId = e.task;
      if (e.ptask !== undefined) ev.parentTaskId = e.ptask;
      run.feed(ev);
      if (stray && ev.kind === EventKind.Sync) {
        ev.reset();
        Object.assign(ev, { kind: EventKind.StateTransition, time: e.t, resourceKind: ResourceKind.Goroutine, resourceId: 987654, oldState: GoState.Running, newState: GoState.Waiting, reason: 'chan receive' });
        run.feed(ev);
      }
    }
    return run.result();
  }

  it('has the oracle cases', () => expect(cases.length).toBeGreaterThan(10));

  it.each(cases.map((c) => [c.name, c]))('oracle case %s: same with a shared index, with and without a stray running goroutine', (_name, c) => {
    const plain = replay(c, false, false);
    expect(replay(c, true, false)).toEqual(plain);
    const stray = replay(c, true, true);
    expect(stray).toEqual(replay(c, false, true));
    expect(stray.rows.map((r) => r.id)).not.toContain(987654);
    expect(stray.rows.length).toBe(plain.rows.length);
  });
});
