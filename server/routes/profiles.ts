// The four blocking profiles: gzipped pprof (go tool trace -pprof, /io, /block, /syscall,
// /sched and their /region* forms) and the same profile as a JSON call tree for the flame graph.

import type { FastifyInstance } from 'fastify';
import { matchingGoroutineIntervals } from '../../parser/analysis/goroutines.ts';
import { matchingRegionIntervals, type RegionFilter } from '../../parser/analysis/regions.ts';
import type { ProfileRecord } from '../../parser/analysis/pprof.ts';
import { profileCallTree, topFunctions } from '../../parser/analysis/pprof-calltree.ts';
import { writePprof } from '../encode/pprof.ts';
import type { ServedSession } from '../session-types.ts';
import { BadRequestError, NotFoundError } from '../http/errors.ts';
import { PROFILE_KINDS, type ProfileKind } from './profile-kinds.ts';
import { durationParam, durationParamSchema, pcParam, stringParam } from './query.ts';

export interface ProfileQuery {
  name?: string;
  scope?: 'goroutine' | 'region';
  type?: string;
  pc?: string;
  latmin?: string;
  latmax?: string;
  granularity?: 'function' | 'line';
}

const kindParams = {
  type: 'object',
  required: ['kind'],
  properties: { kind: { type: 'string', enum: PROFILE_KINDS } },
} as const;

const profileQuerystring = {
  type: 'object',
  properties: {
    name: stringParam,
    scope: { type: 'string', enum: ['goroutine', 'region'] },
    type: stringParam,
    pc: { type: 'string', maxLength: 20 },
    latmin: durationParamSchema,
    latmax: durationParamSchema,
    granularity: { type: 'string', enum: ['function', 'line'] },
  },
} as const;

/** The profile's records for the request's filters, as go tool trace's handlers select them. */
export function profileRecords(session: ServedSession, kind: ProfileKind, query: ProfileQuery): ProfileRecord[] {
  const { summary, profiles } = session.results().analyses;
  const regionParams = query.type !== undefined || query.pc !== undefined || query.latmin !== undefined || query.latmax !== undefined;
  const byRegion = query.scope === 'region' || (query.scope === undefined && regionParams);
  if (!byRegion) {
    if (regionParams) throw new BadRequestError('type, pc, latmin and latmax filter regions; they cannot be used with scope=goroutine');
    if (query.name === undefined) return profiles.profile(kind, null); // every goroutine, as -pprof=KIND
    let intervals;
    try {
      intervals = matchingGoroutineIntervals(summary, query.name, profiles.traceEnd);
    } catch (err) {
      throw new NotFoundError((err as Error).message);
    }
    return profiles.profile(kind, intervals);
  }
  if (query.name !== undefined) throw new BadRequestError('name selects a goroutine group; it cannot be combined with region filters');
  const filter: RegionFilter = {};
  if (query.type !== undefined) filter.type = query.type;
  const pc = pcParam(query.pc);
  if (pc !== undefined) filter.pc = pc;
  const latencyMin = durationParam('latmin', query.latmin);
  if (latencyMin !== undefined) filter.latencyMin = latencyMin;
  const latencyMax = durationParam('latmax', query.latmax);
  if (latencyMax !== undefined) filter.latencyMax = latencyMax;
  return profiles.profile(kind, matchingRegionIntervals(summary, filter));
}

export function registerProfileRoutes(app: FastifyInstance, session: ServedSession): void {
  app.get<{ Params: { kind: ProfileKind }; Querystring: ProfileQuery }>(
    '/api/pprof/:kind',
    { schema: { params: kindParams, querystring: profileQuerystring } },
    async (request, reply) => {
      const { kind } = request.params;
      const records = profileRecords(session, kind, request.query);
      const bytes = writePprof(records, session.results().analyses.tables);
      return reply
        .type('application/octet-stream')
        .header('content-disposition', `attachment; filename="${kind}.pb.gz"`)
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );

  app.get<{ Params: { kind: ProfileKind }; Querystring: ProfileQuery }>(
    '/api/profile/:kind',
    { schema: { params: kindParams, querystring: profileQuerystring } },
    async (request) => {
      const { kind } = request.params;
      const records = profileRecords(session, kind, request.query);
      const { tables } = session.results().analyses;
      let totalNs = 0;
      let totalCount = 0;
      for (const r of records) {
        totalNs += r.totalNs;
        totalCount += r.count;
      }
      return {
        kind,
        totalNs,
        totalCount,
        root: profileCallTree(records, tables, { granularity: request.query.granularity ?? 'function' }),
        top: topFunctions(records, tables),
      };
    },
  );
}
