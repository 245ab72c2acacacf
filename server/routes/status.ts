// GET /api/status: parsing progress, always answered (the client polls it until ready).

import type { FastifyInstance } from 'fastify';
import type { ServedSession } from '../session-types.ts';

export const statusSchema = {
  type: 'object',
  required: ['state', 'bytesRead', 'totalBytes', 'percent'],
  properties: {
    state: { type: 'string', enum: ['parsing', 'ready', 'failed'] },
    bytesRead: { type: 'number' },
    totalBytes: { type: 'number' },
    percent: { type: 'number' },
    error: { type: 'string' },
  },
} as const;

export function registerStatusRoute(app: FastifyInstance, session: ServedSession): void {
  app.get('/api/status', { schema: { response: { 200: statusSchema } } }, async () => session.status());
}
