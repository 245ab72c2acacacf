// The server as an attacker or a flood meets it: a real listening socket on 127.0.0.1, raw
// HTTP (so no client normalises the path for us), 300 concurrent requests, and a server that
// keeps answering after every bad request. Never a 5xx, never a file outside the client folder.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { createServedAnalyses } from '../../server/analyses/index.ts';
import { TraceSession } from '../../server/trace-session.ts';
import { getFixture } from '../helpers/fixtures.ts';

const SECRET = 'top-secret-not-a-client-asset';
let app: FastifyInstance;
let port = 0;

beforeAll(async () => {
  // A client folder with a secret file beside it (and one in the folder above) to try to reach.
  const root = mkdtempSync(join(tmpdir(), 'tstrace-harden-'));
  const clientDir = join(root, 'client');
  mkdirSync(clientDir);
  writeFileSync(join(clientDir, 'index.html'), '<!doctype html><title>tstrace</title>');
  writeFileSync(join(clientDir, 'main.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), SECRET);
  writeFileSync(join(clientDir, '.env'), SECRET);
  const session = new TraceSession(getFixture('go1.27/demo').tracePath, { analyses: createServedAnalyses });
  await session.start();
  app = await buildApp(session, { clientDir });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as net.AddressInfo).port;
});
afterAll(() => app.close());

/** Sends raw bytes and resolves with the status code and body (or 0 if the server hung up). */
function raw(request: string | Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.setTimeout(1500, () => socket.destroy()); // hostile requests may never complete: give up, then check the server still answers
    socket.on('data', (d) => (data += d.toString('latin1')));
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ status, body: data.slice(data.indexOf('\r\n\r\n') + 4) });
    });
    socket.on('error', () => undefined);
    // write, not end: a half-closed socket lets Node drop a response still being prepared.
    socket.write(request);
  });
}

const get = (path: string) => raw(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);

describe('requests from other sites', () => {
  it('refuses any but GET and HEAD from another site\'s page, before routing', async () => {
    const foreign = await app.inject({ method: 'POST', url: '/api/no-such-route', headers: { origin: 'https://example.com' } });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().message).toContain('own pages only');
    expect((await app.inject({ method: 'POST', url: '/api/no-such-route', headers: { origin: 'null' } })).statusCode).toBe(403);
    // Its own pages, tools without Origin, and reads from anywhere are routed as before.
    expect((await app.inject({ method: 'POST', url: '/api/no-such-route', headers: { origin: 'http://localhost:80' } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/api/no-such-route' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/status', headers: { origin: 'https://example.com' } })).statusCode).toBe(200);
  });
});

describe('a real listening server', () => {
  it('listens on loopback only', () => {
    expect((app.server.address() as net.AddressInfo).address).toBe('127.0.0.1');
  });

  const traversals = [
    '/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/%2e%2e%2fsecret.txt', '/%252e%252e%252fsecret.txt',
    '/..%5csecret.txt', '/main.js/../../secret.txt', '/assets/..%2f..%2fsecret.txt', '/%c0%ae%c0%ae/secret.txt',
    '/.env', '/%2eenv', '/index.html%00.js', '//etc/passwd', '/..%2f..%2f..%2f..%2fetc%2fpasswd', '/profiles/..%2f..%2fsecret.txt',
  ];
  it.each(traversals)('serves nothing outside the client assets: %s', async (path) => {
    const res = await get(path);
    expect(res.status).toBeGreaterThan(0);
    expect(res.status).toBeLessThan(500);
    expect(res.body).not.toContain(SECRET);
    expect(res.body).not.toContain('root:x:0:0');
  });

  it('answers 300 concurrent requests, every one of them', async () => {
    const paths = ['/api/status', '/api/trace', '/api/goroutines', '/api/pprof/sync', '/api/profile/sched', '/api/tasks', '/api/regions', '/api/timeline/tracks', '/', '/main.js'];
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => fetch(`http://127.0.0.1:${port}${paths[i % paths.length]}`).then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    })));
    expect(results.filter((s) => s !== 200)).toEqual([]);
  });

  it('keeps answering after malformed, oversized and hostile requests', async () => {
    const hostile: (string | Buffer)[] = [
      'GARBAGE\r\n\r\n',
      'GET / HTTP/9.9\r\n\r\n',
      `GET /api/goroutines HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`,
      `POST /api/goroutines HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{"a":`,
      `GET /api/goroutines HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 5\r\n\r\nhello`,
      `GET /api/goroutines HTTP/1.1\r\nHost: evil.example.com\r\n\r\n`,
      `GET /${'%'.repeat(5000)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`,
      Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]),
      `GET /api/pprof/net?name=${'%ff'.repeat(2000)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`,
    ];
    for (const request of hostile) {
      const res = await raw(request);
      expect(res.status === 0 || res.status < 500, `${String(request).slice(0, 60)} → ${res.status}`).toBe(true);
      const after = await get('/api/status');
      expect(after.status).toBe(200);
      expect(JSON.parse(after.body).state).toBe('ready');
    }
  });
});
