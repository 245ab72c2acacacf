// Hardening for a local viewer: no request bodies, no state-changing request from another site's
// page, strict response headers, and (when bound to loopback) a Host check so a web page cannot
// reach the server through DNS rebinding.

import type { FastifyInstance } from 'fastify';

const securityHeaders: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
};

export interface SecurityOptions {
  /**
   * Host header names (without port) the server answers to; null accepts any (the server
   * was deliberately bound to all interfaces).
   */
  allowedHosts: readonly string[] | null;
}

export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]', '::1'];

export function hostName(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  const colon = hostHeader.indexOf(':');
  return (colon < 0 ? hostHeader : hostHeader.slice(0, colon)).toLowerCase();
}

/** host[:port] of a URL, default ports dropped (null when it is not a URL, e.g. Origin "null"). */
function hostOf(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

export function registerSecurity(app: FastifyInstance, { allowedHosts }: SecurityOptions): void {
  app.addHook('onRequest', async (request, reply) => {
    if (allowedHosts && !allowedHosts.includes(hostName(request.headers.host ?? ''))) {
      return reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: 'unexpected Host header' });
    }
    // A request that changes what the viewer shows (any method but GET and HEAD) comes from its own
    // pages only: browsers send Origin with one, and another site's page must not start work here.
    const origin = request.headers.origin;
    if (request.method !== 'GET' && request.method !== 'HEAD' && origin !== undefined && hostOf(origin) !== hostOf(`http://${request.headers.host ?? ''}`)) {
      return reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: "requests that change the viewer are taken from its own pages only" });
    }
    // The API and the pages take no bodies; refuse them before anything reads one.
    const length = request.headers['content-length'];
    if ((length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined) {
      return reply.code(413).send({ statusCode: 413, error: 'Payload Too Large', message: 'request bodies are not accepted' });
    }
  });
  app.addHook('onSend', async (request, reply, payload) => {
    for (const [name, value] of Object.entries(securityHeaders)) reply.header(name, value);
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
