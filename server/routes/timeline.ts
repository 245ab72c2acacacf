// Timeline routes: the track list, tiles (spans merged below a pixel), flows and stacks for
// the client's canvas, and whole-trace exports to Perfetto and Chrome trace-event JSON.
// Thin: parameters are checked here, the work is in parser/analysis/tiles.ts and encode/.

import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { TraceTables } from '../../parser/model/tables.ts';
import type { TimelineModel } from '../../parser/model/timeline.ts';
import type { AnnotationIndex } from '../../parser/analysis/annotations.ts';
import { listTracks, queryFlows, queryTileWire, stackFrames } from '../../parser/analysis/tiles.ts';
import { BadRequestError, errorBody, NotFoundError } from '../http/errors.ts';
import { chromeTraceJson, type ChromeUserLogs, type ChromeView } from '../encode/chrome.ts';
import { perfettoTrace } from '../encode/perfetto.ts';
import type { TimelinePartsState } from '../timeline-parts.ts';

/** What the routes read: the finished model and the tables its stack ids refer to. */
export interface TimelineSource {
  model: TimelineModel;
  tables: TraceTables;
  /** The trace's user log messages, for the Chrome export (they come from the summary, not the model). */
  userLogs?: () => ChromeUserLogs;
  /** The trace's user regions and logs, for the Perfetto export. */
  annotations?: () => AnnotationIndex;
}

/** The parts of a trace too big for one timeline, and which one the model is (null: it covers the whole trace). */
export type PartsSource = () => TimelinePartsState | null;

/** Goroutine tracks listed when the request does not ask for a page (traces may hold millions). */
const DEFAULT_GOROUTINE_TRACKS = 10000;

/** At most this many tracks per tile request (a tall screen of goroutines is a few hundred). */
const MAX_TRACKS_PER_TILE = 2000;
const MAX_FLOWS = 20000;

const num = { type: 'number' } as const;
const numbers = { type: 'array', items: num } as const;
const strings = { type: 'array', items: { type: 'string' } } as const;
const timeQuery = { type: 'number', minimum: -9007199254740991, maximum: 9007199254740991 } as const;

const trackSchema = {
  type: 'object',
  required: ['id', 'kind', 'resource', 'name', 'lanes'],
  properties: {
    id: { type: 'integer' },
    kind: { type: 'string' },
    resource: num,
    name: { type: 'string' },
    lanes: { type: 'integer' },
    startFunction: { type: 'string' },
    system: { type: 'boolean' },
    series: strings,
  },
} as const;

const tracksResponse = {
  type: 'object',
  required: ['startTime', 'endTime', 'goroutineTrackCount', 'tracks', 'sliceKinds', 'goroutineStates'],
  properties: {
    startTime: num,
    endTime: num,
    goroutineTrackCount: { type: 'integer' },
    tracks: { type: 'array', items: trackSchema },
    sliceKinds: strings,
    goroutineStates: strings,
  },
} as const;

const tileResponse = {
  type: 'object',
  required: ['start', 'end', 'resolution', 'strings', 'tracks'],
  properties: {
    start: num,
    end: num,
    resolution: num,
    strings,
    tracks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'shape'],
        // One object type for both shapes: spans fill the span columns, counters gap/series.
        // Times are integer-ns deltas (tiles.ts SpanTrackWire): gap from the previous entry's
        // end in the lane (the first from ⌊start⌋), then duration.
        properties: {
          id: { type: 'integer' },
          shape: { type: 'string' },
          gap: numbers,
          duration: numbers,
          depth: numbers,
          kind: numbers,
          label: numbers,
          goroutine: numbers,
          merged: numbers,
          startStack: numbers,
          endStack: numbers,
          series: { type: 'array', items: { type: 'object', required: ['name', 'values'], properties: { name: { type: 'string' }, values: numbers } } },
        },
      },
    },
  },
} as const;

const flowsResponse = {
  type: 'object',
  required: ['name', 'fromTime', 'toTime', 'fromG', 'fromP', 'fromM', 'toG', 'toP', 'toM', 'fromStack', 'truncated'],
  properties: {
    name: strings,
    fromTime: numbers,
    toTime: numbers,
    fromG: numbers,
    fromP: numbers,
    fromM: numbers,
    toG: numbers,
    toP: numbers,
    toM: numbers,
    fromStack: numbers,
    truncated: { type: 'boolean' },
  },
} as const;

const partsResponse = {
  type: 'object',
  required: ['index', 'parts', 'totalBytes'],
  properties: {
    index: { type: 'integer' },
    totalBytes: num,
    parts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['startTime', 'endTime', 'startByte', 'endByte'],
        properties: { startTime: num, endTime: num, startByte: num, endByte: num },
      },
    },
  },
} as const;

const stackResponse = {
  type: 'object',
  required: ['id', 'frames'],
  properties: {
    id: { type: 'integer' },
    frames: {
      type: 'array',
      items: {
        type: 'object',
        required: ['pc', 'func', 'file', 'line'],
        properties: { pc: num, func: { type: 'string' }, file: { type: 'string' }, line: num },
      },
    },
  },
} as const;

function parseTrackIds(value: string, trackCount: number): number[] {
  const ids = value.split(',').map(Number);
  if (ids.length > MAX_TRACKS_PER_TILE) throw new BadRequestError(`tracks: at most ${MAX_TRACKS_PER_TILE} tracks per tile`);
  for (const id of ids) {
    if (id >= trackCount) throw new BadRequestError(`tracks: no track ${id} (there are ${trackCount})`);
  }
  return ids;
}

function checkRange(start: number, end: number): void {
  if (!(end > start)) throw new BadRequestError(`end (${end}) must be greater than start (${start})`);
}

/** Why there is no model: building it failed (the other pages still work). */
export interface TimelineFailure {
  failed: string;
}

/**
 * Registers the timeline and export routes. `getModel` returns the finished model, null while
 * the trace is still being parsed or the model built (answered 503, like the app's gate), or
 * why building it failed (answered 500 with that one line). `getParts`: the parts of a trace too
 * big for one timeline (their routes answer whatever the model's state).
 */
export function registerTimelineRoutes(app: FastifyInstance, getModel: () => TimelineSource | TimelineFailure | null, getParts: PartsSource = () => null): void {
  const routes = '/api/timeline/*, /api/stacks/*, /api/export/*';
  app.addHook('preHandler', async (request, reply) => {
    if (!/^\/api\/(timeline|stacks|export)\//.test(request.url) || /^\/api\/timeline\/parts(\/|\?|$)/.test(request.url)) return;
    const model = getModel();
    if (model === null) return reply.code(503).header('retry-after', '1').send({ statusCode: 503, error: 'Service Unavailable', message: `the timeline is still being built (${routes})` });
    if ('failed' in model) return reply.code(500).send(errorBody(500, `the timeline could not be built: ${model.failed}`));
  });
  const source = (): TimelineSource => getModel() as TimelineSource;

  app.get<{ Querystring: { goroutineOffset?: number; goroutineLimit?: number; goroutine?: string } }>(
    '/api/timeline/tracks',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            goroutineOffset: { type: 'integer', minimum: 0, maximum: 9007199254740991 },
            goroutineLimit: { type: 'integer', minimum: 0, maximum: 9007199254740991 },
            goroutine: { type: 'string', pattern: '^[0-9]{1,16}(,[0-9]{1,16}){0,99}$' },
          },
        },
        response: { 200: tracksResponse },
      },
    },
    async (request) => {
      const q = request.query;
      return listTracks(source().model, {
        goroutineOffset: q.goroutineOffset ?? 0,
        goroutineLimit: q.goroutineLimit ?? DEFAULT_GOROUTINE_TRACKS,
        goroutines: q.goroutine === undefined ? [] : q.goroutine.split(',').map(Number),
      });
    },
  );

  app.get('/api/timeline/parts', { schema: { response: { 200: partsResponse } } }, async () => {
    const parts = getParts();
    if (parts === null) return { index: 0, parts: [], totalBytes: 0 };
    return { index: parts.index, parts: parts.parts, totalBytes: parts.totalBytes };
  });

  // Shows another part: answered at once (202) while the part is built; the timeline routes
  // answer 503 until it is in, as during the load. (Another site's pages cannot ask: security.ts.)
  app.post<{ Params: { index: number } }>(
    '/api/timeline/parts/:index',
    { schema: { params: { type: 'object', required: ['index'], properties: { index: { type: 'integer', minimum: 0, maximum: 1000000 } } } } },
    async (request, reply) => {
      const parts = getParts();
      if (parts === null) return reply.code(409).send(errorBody(409, 'this timeline covers the whole trace: it has no parts'));
      const { index } = request.params;
      switch (parts.select(index)) {
        case 'unknown': throw new NotFoundError(`no part ${index} (there are ${parts.parts.length})`);
        case 'busy': return reply.code(409).send(errorBody(409, 'a part is being built: try again when it is in'));
        case 'shown': return { index, building: false };
        case 'started': return reply.code(202).send({ index, building: true });
      }
    },
  );

  app.get<{ Querystring: { tracks: string; start: number; end: number; resolution: number } }>(
    '/api/timeline/tile',
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['tracks', 'start', 'end', 'resolution'],
          properties: {
            tracks: { type: 'string', pattern: '^[0-9]{1,9}(,[0-9]{1,9})*$', maxLength: 20000 },
            start: timeQuery,
            end: timeQuery,
            resolution: { type: 'number', exclusiveMinimum: 0, maximum: 9007199254740991 },
          },
        },
        // Documents the answer; a tile is serialised with JSON.stringify below (native, several
        // times faster than a schema serialiser on arrays of 100k numbers; the schema is not applied).
        response: { 200: tileResponse },
      },
    },
    async (request, reply) => {
      const { model } = source();
      const { start, end, resolution } = request.query;
      checkRange(start, end);
      // A tile is at most ~100k pixels wide; coarser requests would only waste work.
      if ((end - start) / resolution > 100_000) throw new BadRequestError('resolution: too fine for this range (over 100000 pixels)');
      const tile = queryTileWire(model, { tracks: parseTrackIds(request.query.tracks, model.trackCount), start, end, resolution });
      // As a Buffer: a string body is scanned once for its byte length and again to encode it
      // (~1.5 ms of a 1.6 MB tile's ~4 ms on loopback); Buffer.from does both in one pass.
      return reply.type('application/json; charset=utf-8').send(Buffer.from(JSON.stringify(tile)));
    },
  );

  app.get<{ Querystring: { start: number; end: number } }>(
    '/api/timeline/flows',
    {
      schema: {
        querystring: { type: 'object', required: ['start', 'end'], properties: { start: timeQuery, end: timeQuery } },
        response: { 200: flowsResponse },
      },
    },
    async (request) => {
      const { start, end } = request.query;
      checkRange(start, end);
      return queryFlows(source().model, start, end, MAX_FLOWS);
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/stacks/:id',
    {
      schema: {
        params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 0, maximum: 4294967295 } } },
        response: { 200: stackResponse },
      },
    },
    async (request) => {
      const frames = stackFrames(source().tables, request.params.id);
      if (!frames) throw new NotFoundError(`no stack ${request.params.id}`);
      return { id: request.params.id, frames };
    },
  );

  app.get('/api/export/perfetto', async (_request, reply) => {
    const { model, annotations } = source();
    return reply
      .type('application/octet-stream')
      .header('content-disposition', 'attachment; filename="trace.perfetto-trace"')
      .send(Readable.from(perfettoTrace(model, undefined, annotations?.() ?? null)));
  });

  app.get<{ Querystring: { view?: ChromeView } }>(
    '/api/export/chrome',
    { schema: { querystring: { type: 'object', properties: { view: { type: 'string', enum: ['proc', 'thread'] } } } } },
    async (request, reply) => {
      const { model, tables, userLogs } = source();
      return reply
        .type('application/json')
        .header('content-disposition', 'attachment; filename="trace.json"')
        .send(Readable.from(chromeTraceJson(model, tables, request.query.view ?? 'proc', undefined, userLogs?.() ?? null)));
    },
  );
}
