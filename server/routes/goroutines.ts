// The goroutine pages (go tool trace /goroutines and /goroutine?name=) and one goroutine.

import type { FastifyInstance } from 'fastify';
import { goroutineGroups, goroutineGroup } from '../../parser/analysis/goroutines.ts';
import { nonOverlappingStats, type GoroutineSummary, type Summary } from '../../parser/analysis/summary.ts';
import type { TraceTables } from '../../parser/model/tables.ts';
import type { ServedSession } from '../session-types.ts';
import { NotFoundError } from '../http/errors.ts';
import { stringParam } from './query.ts';

const nsMap = { type: 'object', additionalProperties: { type: 'number' } } as const;

const groupsResponse = {
  type: 'object',
  required: ['groups'],
  properties: {
    groups: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'count', 'execTimeNs'],
        properties: { name: { type: 'string' }, count: { type: 'integer' }, execTimeNs: { type: 'number' } },
      },
    },
  },
} as const;

const groupResponse = {
  type: 'object',
  required: ['name', 'count', 'execTimeNs', 'execTimePercent', 'maxTotalNs', 'statLabels', 'rangeLabels', 'goroutines'],
  properties: {
    name: { type: 'string' },
    count: { type: 'integer' },
    execTimeNs: { type: 'number' },
    execTimePercent: { type: ['number', 'null'] },
    maxTotalNs: { type: 'number' },
    statLabels: { type: 'array', items: { type: 'string' } },
    rangeLabels: { type: 'array', items: { type: 'string' } },
    goroutines: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'totalNs', 'stats', 'rangeStats'],
        properties: { id: { type: 'integer' }, totalNs: { type: 'number' }, stats: nsMap, rangeStats: nsMap },
      },
    },
  },
} as const;

/** A row's values for every column of the table, 0 where the row has none (as go tool trace shows it). */
export function everyLabel(labels: readonly string[], values: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const label of labels) out[label] = values[label] ?? 0;
  return out;
}

function findGoroutine(summary: Summary, id: number): GoroutineSummary | undefined {
  const list = summary.goroutines; // sorted by id
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].id === id) return list[mid];
    if (list[mid].id < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** The frame of a goroutine's start function, found by its PC among the interned frames. */
function frameAt(tables: TraceTables, pc: number, func: string) {
  for (let f = 0; f < tables.framePC.length; f++) {
    if (tables.framePC[f] === pc && tables.frameFunc[f] === func) {
      return { func, file: tables.frameFile[f], line: tables.frameLine[f], pc };
    }
  }
  return null;
}

export function registerGoroutineRoutes(app: FastifyInstance, session: ServedSession): void {
  app.get('/api/goroutines', { schema: { response: { 200: groupsResponse } } }, async () => {
    const { summary } = session.results().analyses;
    return { groups: goroutineGroups(summary).map((g) => ({ name: g.name, count: g.count, execTimeNs: g.execTime })) };
  });

  app.get<{ Querystring: { name: string; sortby?: string } }>(
    '/api/goroutines/group',
    {
      schema: {
        querystring: { type: 'object', required: ['name'], properties: { name: stringParam, sortby: stringParam } },
        response: { 200: groupResponse },
      },
    },
    async (request) => {
      const { summary } = session.results().analyses;
      const { name, sortby } = request.query;
      const page = goroutineGroup(summary, name, sortby);
      if (page.count === 0) throw new NotFoundError(`no goroutines named ${JSON.stringify(name)}`);
      let execTimeNs = 0;
      for (const g of summary.goroutines) if (g.name === name) execTimeNs += g.execTime;
      return {
        name,
        count: page.count,
        execTimeNs,
        execTimePercent: page.execTimeShare === null ? null : Math.round(page.execTimeShare * 10000) / 100,
        maxTotalNs: page.maxTotalTime,
        statLabels: page.nonOverlappingStats,
        rangeLabels: page.rangeStats,
        goroutines: page.goroutines.map((g) => ({
          id: g.id,
          totalNs: g.totalTime,
          stats: everyLabel(page.nonOverlappingStats, g.nonOverlappingStats),
          rangeStats: everyLabel(page.rangeStats, g.rangeTime),
        })),
      };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/goroutines/:id',
    { schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } } } } },
    async (request) => {
      const { summary, tables } = session.results().analyses;
      const g = findGoroutine(summary, request.params.id);
      if (!g) throw new NotFoundError(`no goroutine ${request.params.id} in this trace`);
      return {
        id: g.id,
        name: g.name,
        pc: g.pc,
        creationTime: g.creationTime,
        startTime: g.startTime,
        endTime: g.endTime,
        totalNs: g.totalTime,
        stats: nonOverlappingStats(g),
        rangeStats: g.rangeTime,
        regions: g.regions.map((index) => {
          const r = summary.regions[index];
          const startTime = r.start ? r.start.time : null;
          const endTime = r.end ? r.end.time : null;
          return {
            type: r.name,
            taskId: r.taskId,
            startTime,
            endTime,
            durationNs: (endTime ?? summary.traceEnd) - (startTime ?? summary.traceStart),
            stats: nonOverlappingStats(r),
            rangeStats: r.rangeTime,
          };
        }),
        startFrame: g.name === '' ? null : frameAt(tables, g.pc, g.name),
      };
    },
  );
}
