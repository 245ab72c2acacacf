// buildApp: the Fastify application for one trace session. Tests drive it with app.inject();
// only the CLI calls listen(). Routes are thin, one module per page, and read the session's
// finished results; while the trace is parsing every /api route but /api/status answers 503.

import Fastify, { type FastifyInstance } from 'fastify';
import type { ServedSession } from './session-types.ts';
import { registerSecurity, LOOPBACK_HOSTS } from './http/security.ts';
import { registerErrorHandling } from './http/errors.ts';
import { registerStatusRoute } from './routes/status.ts';
import { registerTraceInfoRoute } from './routes/trace-info.ts';
import { registerGoroutineRoutes } from './routes/goroutines.ts';
import { registerProfileRoutes } from './routes/profiles.ts';
import { registerTaskRoutes } from './routes/tasks.ts';
import { registerRegionRoutes } from './routes/regions.ts';
import { registerAnnotationRoutes } from './routes/annotations.ts';
import { annotationIndex } from '../parser/analysis/annotations.ts';
import { registerMmuRoutes } from './routes/mmu.ts';
import { registerTimelineRoutes } from './routes/timeline.ts';
import { registerPageRoutes, defaultClientDir } from './routes/pages.ts';
import { timelineParts, type TimelinePartsState } from './timeline-parts.ts';

export interface AppOptions {
  /** Folder of the built client (index.html, main.js); default: dist/client. */
  clientDir?: string;
  /**
   * Host header names accepted (DNS-rebinding guard). Default: loopback names only; pass null
   * when deliberately serving all interfaces.
   */
  allowedHosts?: readonly string[] | null;
  /** Log requests to stderr (the CLI leaves it off, as go tool trace does). */
  logger?: boolean;
}

export async function buildApp(session: ServedSession, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    // The API takes no bodies (security.ts refuses them); keep the parser's limit tiny too.
    bodyLimit: 1024,
    // Bound path-parameter length so a pathological URL cannot cost much to route.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });

  registerErrorHandling(app);
  registerSecurity(app, { allowedHosts: options.allowedHosts === undefined ? LOOPBACK_HOSTS : options.allowedHosts });

  // Gate: until the trace is parsed, API routes (other than status) answer 503 with progress.
  app.addHook('onRequest', async (request, reply) => {
    if (session.ready || !request.url.startsWith('/api/')) return;
    const route = request.routeOptions.url;
    // Unknown routes (no match, or only the static files' wildcard) still answer 404.
    if (route === undefined || !route.startsWith('/api/') || route === '/api/status') return;
    return reply.code(503).header('retry-after', '1').send(session.status());
  });

  registerStatusRoute(app, session);
  registerTraceInfoRoute(app, session);
  registerGoroutineRoutes(app, session);
  registerProfileRoutes(app, session);
  registerTaskRoutes(app, session);
  registerRegionRoutes(app, session);
  registerAnnotationRoutes(app, session);
  registerMmuRoutes(app, session);
  // A trace too big for a whole timeline is viewed a part at a time (server/timeline-parts.ts).
  let parts: TimelinePartsState | null | undefined;
  const partsOf = () => {
    if (!session.ready) return null;
    parts ??= timelineParts(session);
    return parts;
  };
  registerTimelineRoutes(
    app,
    () => {
      if (!session.ready) return null;
      const { timeline, tables, summary } = session.results().analyses;
      if (timeline.error !== null) return { failed: timeline.error };
      if (timeline.value === null) return null;
      const shownTables = partsOf()?.tables ?? tables;
      return {
        model: timeline.value,
        tables: shownTables,
        // The logs' stack ids are the whole trace's: a part with tables of its own writes them without stacks.
        userLogs: () => ({ logs: annotationIndex(summary).logs, stacksInTables: shownTables === tables }),
        annotations: () => annotationIndex(summary),
      };
    },
    partsOf,
  );

  await registerPageRoutes(app, options.clientDir ?? defaultClientDir());
  return app;
}
