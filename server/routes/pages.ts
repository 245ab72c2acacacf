// The browser client: its built assets from dist/client, and index.html for every page route
// so the client-side router can take over. Nothing outside the client folder is ever served.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { PROFILE_KINDS } from './profile-kinds.ts';
import { errorBody } from '../http/errors.ts';

/** Client-side routes that all load index.html. */
export const PAGE_ROUTES = ['/', '/timeline', '/goroutines', '/goroutines/*', '/tasks', '/regions', '/mmu'] as const;

const missingClientPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tstrace</title></head>
<body style="font-family: sans-serif; margin: 2em">
<h1>tstrace</h1>
<p>The browser client has not been built. Run <code>npm run build</code> and reload this page.</p>
<p>The JSON API is available meanwhile: <a href="/api/status">/api/status</a>, <a href="/api/trace">/api/trace</a>.</p>
</body></html>
`;

/**
 * Where the built client lives: beside the bundle (dist/cli.js or a chunk in dist/chunks/ →
 * dist/client), or, when running from source (server/routes/*.ts), the repository's dist/client.
 */
export function defaultClientDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'client'), resolve(here, '..', 'client'), resolve(here, '..', '..', 'dist', 'client')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0];
}

export async function registerPageRoutes(app: FastifyInstance, clientDir: string): Promise<void> {
  const indexFile = join(clientDir, 'index.html');
  const hasClient = existsSync(indexFile);

  const sendIndex = (reply: FastifyReply) => {
    // Read per request so a rebuilt client shows without restarting; it is a small file.
    const html = existsSync(indexFile) ? readFileSync(indexFile) : missingClientPage;
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  };

  if (hasClient) {
    await app.register(fastifyStatic, {
      root: clientDir,
      prefix: '/',
      index: false,
      dotfiles: 'deny',
      // Only GET/HEAD of files under root; send() refuses ".." after decoding.
      wildcard: true,
    });
  }

  for (const url of PAGE_ROUTES) {
    app.get(url, (_request, reply) => sendIndex(reply));
  }
  app.get<{ Params: { kind: string } }>('/profiles/:kind', (request, reply) => {
    if (!(PROFILE_KINDS as readonly string[]).includes(request.params.kind)) {
      return reply.code(404).send(errorBody(404, `unknown profile kind ${JSON.stringify(request.params.kind)}`));
    }
    return sendIndex(reply);
  });
}
