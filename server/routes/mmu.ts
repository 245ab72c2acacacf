// Minimum mutator utilization: go tool trace's /mmu?mode=plot and /mmu?mode=details.

import type { FastifyInstance } from 'fastify';
import { parseUtilFlags } from '../../parser/analysis/mmu.ts';
import type { ServedSession } from '../session-types.ts';
import { BadRequestError, NotFoundError } from '../http/errors.ts';
import { durationParam, durationParamSchema, mmuFlagsParam } from './query.ts';

const flagsSchema = { type: 'string', maxLength: 100 } as const;

export function registerMmuRoutes(app: FastifyInstance, session: ServedSession): void {
  app.get<{ Querystring: { flags?: string } }>(
    '/api/mmu',
    { schema: { querystring: { type: 'object', properties: { flags: flagsSchema } } } },
    async (request) => {
      const { mmu } = session.results().analyses;
      const flags = mmuFlagsParam(request.query.flags);
      const parsed = parseUtilFlags(flags);
      if (mmu.curve(parsed.flags) === null) throw new NotFoundError('no mutator utilization data in this trace');
      const plot = mmu.plot(parsed.flags, parsed.percentiles);
      return { flags, xMinNs: plot.xMin, xMaxNs: plot.xMax, quantiles: plot.quantiles, curve: plot.curve };
    },
  );

  app.get<{ Querystring: { flags?: string; window: string } }>(
    '/api/mmu/worst',
    {
      schema: {
        querystring: { type: 'object', required: ['window'], properties: { flags: flagsSchema, window: durationParamSchema } },
      },
    },
    async (request) => {
      const { mmu } = session.results().analyses;
      const flags = parseUtilFlags(mmuFlagsParam(request.query.flags)).flags;
      const windowNs = durationParam('window', request.query.window)!;
      if (windowNs <= 0) throw new BadRequestError('window must be longer than 0');
      if (mmu.curve(flags) === null) throw new NotFoundError('no mutator utilization data in this trace');
      return {
        windowNs,
        windows: mmu.details(flags, windowNs).map((w) => ({ time: w.Time, mutatorUtil: w.MutatorUtil })),
      };
    },
  );
}
