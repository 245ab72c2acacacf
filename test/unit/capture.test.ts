import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { CaptureError, captureFileName, captureTrace, looksLikeCaptureTarget, parseCaptureTarget } from '../../server/capture.ts';

// A real trace when the corpus has one; the capture path only moves bytes, so any trace-shaped
// body proves byte-for-byte saving.
const fixturePath = join(import.meta.dirname, '../../fixtures/go1.27/demo.trace');
const traceBytes = existsSync(fixturePath)
  ? readFileSync(fixturePath)
  : Buffer.concat([Buffer.from('go 1.26 trace\0\0\0', 'latin1'), Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 31) & 255))]);

let server: http.Server;
let base: string;
const seen: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/debug/pprof/trace': {
        // Stream slowly in uneven pieces, as a live capture does.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        let offset = 0;
        const step = () => {
          if (offset >= traceBytes.length) return void res.end();
          const n = 1 + ((offset * 7) % 9000);
          res.write(traceBytes.subarray(offset, offset + n));
          offset += n;
          setTimeout(step, 2);
        };
        return step();
      }
      case '/disabled':
        res.writeHead(500, { 'content-type': 'text/plain' });
        return void res.end('profiling not enabled\nmore detail\n');
      case '/html':
        res.writeHead(200, { 'content-type': 'text/html' });
        return void res.end('<html>hello</html>');
      case '/same-host-redirect':
        res.writeHead(302, { location: '/debug/pprof/trace?seconds=1' });
        return void res.end();
      case '/other-host-redirect':
        res.writeHead(302, { location: 'http://127.0.0.2:1/debug/pprof/trace' });
        return void res.end();
      case '/hang':
        res.writeHead(200);
        res.write('go 1.26 trace\0\0\0');
        return; // never ends
      default:
        res.writeHead(404);
        res.end('404 page not found\n');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));

const outDir = () => mkdtempSync(join(tmpdir(), 'tstrace-capture-'));

describe('capture target', () => {
  it('tells URLs and host:port from file names', () => {
    expect(looksLikeCaptureTarget('http://svc:6060/debug/pprof/trace?seconds=3')).toBe(true);
    expect(looksLikeCaptureTarget('localhost:6060')).toBe(true);
    expect(looksLikeCaptureTarget('[::1]:6060')).toBe(true);
    expect(looksLikeCaptureTarget('trace.out')).toBe(false);
    expect(looksLikeCaptureTarget('dir/trace:1.out')).toBe(false);
  });
  it('expands a bare host:port to the pprof endpoint with the default seconds', () => {
    const t = parseCaptureTarget('localhost:6060');
    expect(t.url.href).toBe('http://localhost:6060/debug/pprof/trace?seconds=5');
    expect(t.seconds).toBe(5);
  });
  it('keeps the seconds a URL gives, and adds -seconds when it gives none', () => {
    expect(parseCaptureTarget('http://h:1/debug/pprof/trace?seconds=2', 9).seconds).toBe(2);
    expect(parseCaptureTarget('http://h:1/debug/pprof/trace', 9).url.searchParams.get('seconds')).toBe('9');
    expect(() => parseCaptureTarget('http://h:1/x?seconds=abc')).toThrow('seconds=abc');
    expect(() => parseCaptureTarget('ftp://h/x')).toThrow('unsupported URL scheme');
  });
  it('names the saved file by host, port and time', () => {
    expect(captureFileName(new URL('http://my-svc:6060/'), new Date(2026, 10, 26, 9, 5, 7))).toBe('my-svc_6060-20261126-090507.trace');
  });
});

describe('captureTrace', () => {
  it('saves the streamed trace byte for byte and reports progress', async () => {
    const progress: number[] = [];
    const dir = outDir();
    const target = parseCaptureTarget(base, 1);
    const { path, bytes } = await captureTrace(target, { outDir: dir, onProgress: (p) => progress.push(p.bytes) });
    expect(bytes).toBe(traceBytes.length);
    expect(readFileSync(path).equals(traceBytes)).toBe(true);
    expect(progress.at(-1)).toBe(traceBytes.length);
    expect(seen.at(-1)).toBe('/debug/pprof/trace?seconds=1');
    expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });
  it('follows a redirect on the same host', async () => {
    const { bytes } = await captureTrace(parseCaptureTarget(`http://${base}/same-host-redirect`, 1), { outDir: outDir() });
    expect(bytes).toBe(traceBytes.length);
  });
  it('refuses a redirect to another host', async () => {
    await expect(captureTrace(parseCaptureTarget(`http://${base}/other-host-redirect`, 1), { outDir: outDir() }))
      .rejects.toThrow(/^refusing to follow a redirect from 127\.0\.0\.1:\d+ to another host \(http:\/\/127\.0\.0\.2:1\)$/);
  });
  it('shows the first line of a non-200 answer', async () => {
    await expect(captureTrace(parseCaptureTarget(`http://${base}/disabled`, 1), { outDir: outDir() }))
      .rejects.toThrow(/^127\.0\.0\.1:\d+ answered 500 Internal Server Error: profiling not enabled$/);
  });
  it('says connection refused in one line', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(captureTrace(parseCaptureTarget(`127.0.0.1:${port}`, 1), { outDir: outDir() }))
      .rejects.toThrow(`cannot connect to 127.0.0.1:${port}: connection refused (is the service running with net/http/pprof?)`);
  });
  it('keeps a response that is not a trace, and says so', async () => {
    const dir = outDir();
    const err = await captureTrace(parseCaptureTarget(`http://${base}/html`, 1), { outDir: dir }).catch((e) => e);
    expect(err).toBeInstanceOf(CaptureError);
    expect(err.message).toMatch(/is not a Go execution trace/);
    expect(err.message).not.toContain('\n');
    expect(readFileSync(err.savedPath!, 'utf8')).toBe('<html>hello</html>');
  });
  it('times out a capture that never ends, keeping what arrived', async () => {
    const err = await captureTrace(parseCaptureTarget(`http://${base}/hang?seconds=0.1`, 1), { outDir: outDir(), graceMs: 300 }).catch((e) => e);
    expect(err).toBeInstanceOf(CaptureError);
    expect(err.message).toMatch(/^timed out: no data from 127\.0\.0\.1:\d+ for 0\.4 s; the 16 bytes received are saved in /);
    expect(readFileSync(err.savedPath!).length).toBe(16);
  });
});
