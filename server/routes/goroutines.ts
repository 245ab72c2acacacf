// The goroutine pages (go tool trace /goroutines and /goroutine?name=) and one goroutine.

import type { FastifyInstance } from 'fastify';
import { goroutineGroups, goroutineGroupColumns, goroutineStat } from '../../parser/analysis/goroutines.ts';
import { nonOverlappingStats } from '../../parser/analysis/summary.ts';
import type { TraceTables } from '../../parser/model/tables.ts';
import type { ServedSession } from '../session-types.ts';
import { NotFoundError } from '../http/errors.ts';
import { stringParam } from './query.ts';

const numbers = { type: 'array', items: { type: 'number' } } as const;
const columnsByLabel = { type: 'object', additionalProperties: numbers } as const;

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
    // Columnar (a group may hold millions of goroutines): row k is id[k], totalNs[k], stats[label][k]…
    goroutines: {
      type: 'object',
      required: ['id', 'totalNs', 'stats', 'rangeStats'],
      properties: { id: numbers, totalNs: numbers, stats: columnsByLabel, rangeStats: columnsByLabel },
    },
  },
} as const;

/** A row's values for every column of the table, 0 where the row has none (as go tool trace shows it). */
export function everyLabel(labels: readonly string[], values: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const label of labels) out[label] = values[label] ?? 0;
  return out;
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

/** A goroutine's regions listed (its first, by start); `regionCount` says how many it has. */
const MAX_REGIONS_LISTED = 1000;

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
        // Documents the answer; it is serialised with JSON.stringify below (a group of millions
        // of goroutines is hundreds of MB of numbers: a schema serialiser is several times slower).
        response: { 200: groupResponse },
      },
    },
    async (request, reply) => {
      const { summary } = session.results().analyses;
      const { name, sortby } = request.query;
      const page = goroutineGroupColumns(summary, name, sortby);
      if (page.count === 0) throw new NotFoundError(`no goroutines named ${JSON.stringify(name)}`);
      const table = summary.goroutines;
      const column = (value: (row: number) => number) => Array.from(page.rows, value);
      const stats: Record<string, number[]> = {};
      for (const label of page.nonOverlappingStats) stats[label] = column((row) => goroutineStat(summary, row, label));
      const rangeStats: Record<string, number[]> = {};
      for (const range of page.rangeStats) {
        rangeStats[range] = column((row) => {
          let time = 0;
          table.forEachRangeTime(row, (r, t) => {
            if (r === range) time = t;
          });
          return time;
        });
      }
      return reply.type('application/json; charset=utf-8').send(JSON.stringify({
        name,
        count: page.count,
        execTimeNs: page.execTime,
        execTimePercent: page.execTimeShare === null ? null : Math.round(page.execTimeShare * 10000) / 100,
        maxTotalNs: page.maxTotalTime,
        statLabels: page.nonOverlappingStats,
        rangeLabels: page.rangeStats,
        goroutines: { id: column((row) => table.id(row)), totalNs: column((row) => table.totalTime(row)), stats, rangeStats },
      }));
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/goroutines/:id',
    { schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } } } } },
    async (request) => {
      const { summary, tables } = session.results().analyses;
      const row = summary.goroutines.indexOf(request.params.id);
      if (row < 0) throw new NotFoundError(`no goroutine ${request.params.id} in this trace`);
      const g = summary.goroutines.get(row);
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
        regionCount: g.regions.length,
        regions: g.regions.slice(0, MAX_REGIONS_LISTED).map((index) => {
          const r = summary.regions.get(index);
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
