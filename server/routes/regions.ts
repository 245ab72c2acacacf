// User regions: go tool trace's /userregions (by type and location) and /userregion?type=&pc=.

import type { FastifyInstance } from 'fastify';
import { userRegions, userRegionsOf, type RegionFilter } from '../../parser/analysis/regions.ts';
import type { ServedSession } from '../session-types.ts';
import { durationParam, durationParamSchema, pcParam, stringParam } from './query.ts';
import { histogramJson } from './tasks.ts';
import { everyLabel } from './goroutines.ts';

interface RegionQuery {
  type?: string;
  pc?: string;
  latmin?: string;
  latmax?: string;
  sortby?: string;
}

/** Regions listed by /api/regions/type (in the page's order); `total` says how many matched. */
const MAX_REGIONS_LISTED = 1000;

export function registerRegionRoutes(app: FastifyInstance, session: ServedSession): void {
  app.get('/api/regions', async () => {
    const { summary } = session.results().analyses;
    return {
      regions: userRegions(summary).map((row) => ({
        type: row.type,
        pc: row.frame.pc.toString(16),
        frame: row.frame,
        count: row.count,
        histogram: histogramJson(row.histogram),
      })),
    };
  });

  app.get<{ Querystring: RegionQuery }>(
    '/api/regions/type',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            type: stringParam,
            pc: { type: 'string', maxLength: 20 },
            latmin: durationParamSchema,
            latmax: durationParamSchema,
            sortby: stringParam,
          },
        },
      },
    },
    async (request) => {
      const { summary } = session.results().analyses;
      const q = request.query;
      const filter: RegionFilter = {};
      if (q.type !== undefined) filter.type = q.type;
      const pc = pcParam(q.pc);
      if (pc !== undefined) filter.pc = pc;
      const latencyMin = durationParam('latmin', q.latmin);
      if (latencyMin !== undefined) filter.latencyMin = latencyMin;
      const latencyMax = durationParam('latmax', q.latmax);
      if (latencyMax !== undefined) filter.latencyMax = latencyMax;
      const page = userRegionsOf(summary, filter, undefined, q.sortby, MAX_REGIONS_LISTED);
      return {
        filter: page.name,
        total: page.total,
        histogram: histogramJson(page.histogram),
        statLabels: page.nonOverlappingStats,
        rangeLabels: page.rangeStats,
        maxTotalNs: page.maxTotalTime,
        regions: page.regions.map((r) => ({
          goroutine: r.goroutine,
          taskId: r.taskId,
          startTime: r.start,
          totalNs: r.totalTime,
          stats: everyLabel(page.nonOverlappingStats, r.nonOverlappingStats),
          rangeStats: everyLabel(page.rangeStats, r.rangeTime),
        })),
      };
    },
  );
}
