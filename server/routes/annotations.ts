// User annotations for the timeline's goroutine lanes: regions and log messages by time range
// (parser/analysis/annotations.ts), how many region rows each goroutine needs, and the stacks
// they refer to. They come from the summary, not the timeline model, so they are served as soon
// as the pages are, whichever timeline part is shown (a part has stack tables of its own).

import type { FastifyInstance } from 'fastify';
import { annotationIndex, annotationsIn, taskFamily } from '../../parser/analysis/annotations.ts';
import { stackFrames } from '../../parser/analysis/tiles.ts';
import { StringTable } from '../../parser/model/timeline-columns.ts';
import type { ServedSession } from '../session-types.ts';
import { BadRequestError, NotFoundError } from '../http/errors.ts';

/** At most this many regions, and as many logs, per answer (merged below a pixel first). */
const MAX_MARKS = 20000;

const timeQuery = { type: 'number', minimum: -9007199254740991, maximum: 9007199254740991 } as const;

export function registerAnnotationRoutes(app: FastifyInstance, session: ServedSession): void {
  app.get('/api/annotations/rows', async () => {
    const index = annotationIndex(session.results().analyses.summary);
    const goroutine: number[] = [];
    const rows: number[] = [];
    for (const [g, n] of index.regionRows) {
      goroutine.push(g);
      rows.push(n);
    }
    return { goroutine, rows, regionCount: index.regions.count, logCount: index.logs.count };
  });

  app.get<{ Querystring: { start: number; end: number; resolution: number; logsBy?: 'goroutine' | 'proc' | 'thread' } }>(
    '/api/annotations',
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['start', 'end', 'resolution'],
          properties: {
            start: timeQuery,
            end: timeQuery,
            resolution: { type: 'number', minimum: 0, maximum: 9007199254740991 },
            logsBy: { type: 'string', enum: ['goroutine', 'proc', 'thread'] },
          },
        },
      },
    },
    async (request) => {
      const { start, end, resolution, logsBy } = request.query;
      if (!(end > start)) throw new BadRequestError(`end (${end}) must be greater than start (${start})`);
      const found = annotationsIn(annotationIndex(session.results().analyses.summary), { start, end, resolution, limit: MAX_MARKS, logsBy });
      // Names and texts repeat (a few region types, a few log formats): sent once each.
      const strings = new StringTable();
      const r = found.regions;
      const l = found.logs;
      const regionNames = r.map((m) => strings.intern(m.name));
      const logTexts = l.map((m) => strings.intern(m.text));
      return {
        strings: strings.strings,
        regions: {
          goroutine: r.map((m) => m.goroutine),
          depth: r.map((m) => m.depth),
          start: r.map((m) => m.start),
          end: r.map((m) => m.end),
          name: regionNames,
          task: r.map((m) => m.task),
          startStack: r.map((m) => m.startStack),
          endStack: r.map((m) => m.endStack),
          merged: r.map((m) => m.merged),
        },
        logs: {
          goroutine: l.map((m) => m.goroutine),
          proc: l.map((m) => m.proc),
          thread: l.map((m) => m.thread),
          time: l.map((m) => m.time),
          text: logTexts,
          task: l.map((m) => m.task),
          stack: l.map((m) => m.stack),
          merged: l.map((m) => m.merged),
        },
        truncated: found.truncated,
      };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/annotations/tasks/:id',
    { schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 0, maximum: 9007199254740991 } } } } },
    async (request) => {
      const family = taskFamily(session.results().analyses.summary, request.params.id);
      if (!family) throw new NotFoundError(`no task ${request.params.id}`);
      return family;
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/annotations/stacks/:id',
    { schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 0, maximum: 4294967295 } } } } },
    async (request) => {
      const frames = stackFrames(session.results().analyses.tables, request.params.id);
      if (!frames) throw new NotFoundError(`no stack ${request.params.id}`);
      return { id: request.params.id, frames };
    },
  );
}
