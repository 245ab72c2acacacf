// GET /api/trace: what the index page shows about the trace as a whole.

import { basename } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ServedSession } from '../session-types.ts';
import { formatLostData } from '../format.ts';

const nullableNumber = { type: ['number', 'null'] } as const;

export const traceInfoSchema = {
  type: 'object',
  required: ['file', 'fileSize', 'goVersion', 'format', 'durationNs', 'events', 'generations', 'procs', 'lostData'],
  properties: {
    file: { type: 'string' },
    fileSize: { type: 'number' },
    goVersion: { type: 'string' },
    format: { type: 'string', enum: ['v1', 'v2'] },
    startTime: nullableNumber,
    endTime: nullableNumber,
    durationNs: { type: 'number' },
    events: { type: 'number' },
    validEvents: { type: 'number' },
    generations: { type: 'number' },
    procs: { type: 'number' },
    maxGomaxprocs: nullableNumber,
    threads: { type: 'number' },
    goroutines: { type: 'number' },
    eventsByKind: { type: 'object', additionalProperties: { type: 'number' } },
    lostData: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['error', 'validBytes', 'totalBytes', 'lostBytes', 'lostPercent', 'note'],
          properties: {
            error: { type: 'string' },
            validBytes: { type: 'number' },
            totalBytes: { type: 'number' },
            lostBytes: { type: 'number' },
            lostPercent: { type: 'number' },
            note: { type: 'string' },
          },
        },
      ],
    },
  },
} as const;

export function registerTraceInfoRoute(app: FastifyInstance, session: ServedSession): void {
  app.get('/api/trace', { schema: { response: { 200: traceInfoSchema } } }, async () => {
    const { parse, analyses } = session.results();
    const { facts } = analyses;
    const hasEvents = Number.isFinite(parse.startTime) && Number.isFinite(parse.endTime);
    const lostBytes = parse.totalBytes - parse.validBytes;
    return {
      file: basename(session.traceFile),
      fileSize: parse.totalBytes,
      goVersion: parse.version,
      format: parse.format,
      startTime: hasEvents ? parse.startTime : null,
      endTime: hasEvents ? parse.endTime : null,
      durationNs: hasEvents ? parse.endTime - parse.startTime : 0,
      events: parse.events,
      validEvents: parse.validEvents,
      generations: parse.generations,
      procs: facts.procs,
      maxGomaxprocs: facts.maxGomaxprocs,
      threads: facts.threads,
      goroutines: facts.goroutines,
      eventsByKind: facts.eventsByKind,
      lostData:
        parse.error === null
          ? null
          : {
              error: parse.error,
              validBytes: parse.validBytes,
              totalBytes: parse.totalBytes,
              lostBytes,
              lostPercent: parse.totalBytes > 0 ? (lostBytes / parse.totalBytes) * 100 : 0,
              note: formatLostData(parse.validBytes, parse.totalBytes),
            },
    };
  });
}
