// User tasks: go tool trace's /usertasks (by type) and /usertask?type= (the tasks of a type).

import type { FastifyInstance } from 'fastify';
import { hasTaskOfType, userTasks, userTasksOfType, type TaskFilter } from '../../parser/analysis/tasks.ts';
import type { TimeHistogram } from '../../parser/analysis/summary-histogram.ts';
import type { ServedSession } from '../session-types.ts';
import { NotFoundError } from '../http/errors.ts';
import { durationParam, durationParamSchema, stringParam } from './query.ts';

/** The histogram as the API shows it: bucket bounds in ns, empty buckets between kept. */
export function histogramJson(h: TimeHistogram) {
  return { count: h.count, buckets: h.buckets.map((b) => ({ minNs: b.min, maxNs: b.max, count: b.count })) };
}

interface TaskQuery {
  type: string;
  complete?: '0' | '1';
  latmin?: string;
  latmax?: string;
  logtext?: string;
}

/** Tasks listed by /api/tasks/type (the shortest first); `total` says how many matched. */
const MAX_TASKS_LISTED = 1000;

export function registerTaskRoutes(app: FastifyInstance, session: ServedSession): void {
  app.get('/api/tasks', async () => {
    const { summary } = session.results().analyses;
    return {
      types: userTasks(summary).map((row) => ({
        type: row.type,
        count: row.count,
        completeCount: row.histogram.count,
        histogram: histogramJson(row.histogram),
      })),
    };
  });

  app.get<{ Querystring: TaskQuery }>(
    '/api/tasks/type',
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['type'],
          properties: {
            type: stringParam,
            complete: { type: 'string', enum: ['0', '1'] },
            latmin: durationParamSchema,
            latmax: durationParamSchema,
            logtext: stringParam,
          },
        },
      },
    },
    async (request) => {
      const { summary } = session.results().analyses;
      const q = request.query;
      if (!hasTaskOfType(summary.tasks, q.type)) throw new NotFoundError(`no tasks of type ${JSON.stringify(q.type)}`);
      const filter: TaskFilter = { type: q.type };
      if (q.complete !== undefined) filter.complete = q.complete === '1';
      const latencyMin = durationParam('latmin', q.latmin);
      if (latencyMin !== undefined) filter.latencyMin = latencyMin;
      const latencyMax = durationParam('latmax', q.latmax);
      if (latencyMax !== undefined) filter.latencyMax = latencyMax;
      if (q.logtext) filter.logText = q.logtext;
      const page = userTasksOfType(summary, filter, MAX_TASKS_LISTED);
      return {
        filter: page.name,
        total: page.total,
        histogram: histogramJson(page.histogram),
        tasks: page.tasks.map((t) => ({
          id: t.id,
          startNs: t.start,
          durationNs: t.duration,
          complete: t.complete,
          goroutines: summary.tasks.get(summary.tasks.indexOf(t.id)).goroutines,
          events: t.events.map((e) => ({ whenNs: e.when, elapsedNs: e.elapsed, goroutine: e.goroutine, what: e.what })),
        })),
      };
    },
  );
}
