// GET /api/status: parsing progress, always answered (the client polls it until ready), and
// which results are still being built once the pages are ready (the timeline).

import type { FastifyInstance } from 'fastify';
import type { ServedSession } from '../session-types.ts';

export const statusSchema = {
  type: 'object',
  required: ['state', 'bytesRead', 'totalBytes', 'percent', 'building'],
  properties: {
    state: { type: 'string', enum: ['parsing', 'ready', 'failed'] },
    bytesRead: { type: 'number' },
    totalBytes: { type: 'number' },
    percent: { type: 'number' },
    error: { type: 'string' },
    building: { type: 'array', items: { type: 'string' } },
    buildErrors: { type: 'array', items: { type: 'string' } },
    buildProgress: { type: 'object', additionalProperties: { type: 'number' } },
  },
} as const;

export function registerStatusRoute(app: FastifyInstance, session: ServedSession): void {
  app.get('/api/status', { schema: { response: { 200: statusSchema } } }, async () => session.status());
}
