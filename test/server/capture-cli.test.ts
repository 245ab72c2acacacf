// `tstrace URL` end to end: a local HTTP server streams a fixture trace slowly, as
// net/http/pprof does; the built CLI captures it, saves it, and opens it exactly as the file.

import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getFixture, loadGolden } from '../helpers/fixtures.ts';

const root = resolve(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const fixture = getFixture('go1.27/demo');
const traceBytes = readFileSync(fixture.tracePath);

let server: http.Server;
let hostPort = '';

beforeAll(async () => {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/debug/pprof/trace') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      let offset = 0;
      const step = () => {
        if (offset >= traceBytes.length) return void res.end();
        res.write(traceBytes.subarray(offset, offset + 16_384));
        offset += 16_384;
        setTimeout(step, 5);
      };
      return step();
    }
    if (url.pathname === '/notrace') {
      res.writeHead(200);
      return void res.end('just text\n');
    }
    res.writeHead(500);
    res.end('profiling not enabled\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  hostPort = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));

const running: ChildProcess[] = [];
afterEach(() => { for (const c of running.splice(0)) c.kill('SIGTERM'); });

// spawnSync would block the event loop that serves the capture, so run the CLI asynchronously.
function run(args: string[], cwd: string): Promise<{ status: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, env: { ...process.env, BROWSER: '' } });
    running.push(child);
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => done({ status, stdout: Buffer.concat(out), stderr }));
  });
}

describe('tstrace URL', () => {
  it('captures a bare host:port, saves the trace byte for byte, and writes the same profile as the file', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tstrace-capture-'));
    const captured = await run(['-pprof=sched', '-seconds=1', hostPort], cwd);
    expect(captured.stderr).toMatch(/^Capturing 1 s of execution trace from http:\/\/127\.0\.0\.1:\d+\/debug\/pprof\/trace\?seconds=1 \.\.\.$/m);
    expect(captured.status).toBe(0);
    const saved = readdirSync(cwd).filter((f) => f.endsWith('.trace'));
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatch(/^127\.0\.0\.1_\d+-\d{8}-\d{6}\.trace$/);
    expect(captured.stderr).toContain(`Saved ${(traceBytes.length / 1e6).toFixed(1)} MB trace to ${join(cwd, saved[0])}`);
    expect(readFileSync(join(cwd, saved[0])).equals(traceBytes)).toBe(true);

    const direct = spawnSync(process.execPath, [cli, '-pprof=sched', fixture.tracePath], { cwd, maxBuffer: 1 << 26 });
    expect(direct.status).toBe(0);
    expect(captured.stdout.equals(direct.stdout)).toBe(true);
  });

  it('serves the captured trace with the fixture golden numbers', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tstrace-capture-'));
    const child = spawn(process.execPath, [cli, '--no-browser', '-http=127.0.0.1:0', `http://${hostPort}/debug/pprof/trace?seconds=1`], { cwd });
    running.push(child);
    let stdout = '';
    const url = await new Promise<string>((ok, fail) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m) ok(m[1]);
      });
      child.once('exit', (code) => fail(new Error(`exited ${code}`)));
    });
    let status: { state: string } = { state: 'parsing' };
    for (let i = 0; i < 200 && status.state === 'parsing'; i++) {
      status = await (await fetch(`${url}/api/status`)).json();
      if (status.state === 'parsing') await new Promise((r) => setTimeout(r, 50));
    }
    expect(status.state).toBe('ready');
    const { groups } = await (await fetch(`${url}/api/goroutines`)).json();
    const golden = loadGolden(fixture, 'goroutines.json').groups as { name: string; count: number; executionTime: { ns: number } }[];
    const byName = new Map(groups.map((g: { name: string; count: number; execTimeNs: number }) => [g.name, g]));
    for (const g of golden) {
      expect(byName.get(g.name), g.name).toMatchObject({ count: g.count, execTimeNs: g.executionTime.ns });
    }
  });

  it('fails in one line, exit 1, for a refused connection, a non-200 answer and a non-trace body', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tstrace-capture-'));
    const refused = await run(['-pprof=sched', '127.0.0.1:1'], cwd);
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim().split('\n').at(-1)).toBe('tstrace: cannot connect to 127.0.0.1:1: connection refused (is the service running with net/http/pprof?)');

    const disabled = await run(['-pprof=sched', `http://${hostPort}/debug/pprof/other`], cwd);
    expect(disabled.status).toBe(1);
    expect(disabled.stderr.trim().split('\n').at(-1)).toBe(`tstrace: ${hostPort} answered 500 Internal Server Error: profiling not enabled`);

    const notTrace = await run(['-pprof=sched', `http://${hostPort}/notrace`], cwd);
    expect(notTrace.status).toBe(1);
    expect(notTrace.stderr.trim().split('\n').at(-1)).toMatch(/^tstrace: the response from 127\.0\.0\.1:\d+ is not a Go execution trace \(.*\); saved in .*\.trace$/);
    expect(notTrace.stderr).not.toMatch(/\n\s+at /);
  });
});
