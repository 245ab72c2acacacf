// Live capture from a Go service's net/http/pprof endpoint (`/debug/pprof/trace?seconds=N`).
// The bytes are written to a file in the current directory as they arrive, so a capture is
// never lost to a later failure (a parse error, a crash) and can be reopened by path.

import { createWriteStream, type WriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { parseHeader, HEADER_PROBE } from '../parser/wire/header.ts';

export interface CaptureTarget {
  url: URL;
  seconds: number;
}

export interface CaptureProgress {
  elapsedMs: number;
  seconds: number;
  bytes: number;
}

export interface CaptureOptions {
  /** Folder to save the capture in (default: the current directory). */
  outDir?: string;
  onProgress?: (progress: CaptureProgress) => void;
  /** Give up when no byte has arrived for this long after the capture should have ended. */
  graceMs?: number;
  /** Clock for the file name (tests pin it). */
  now?: () => Date;
}

export class CaptureError extends Error {
  constructor(message: string, readonly savedPath?: string) {
    super(message);
    this.name = 'CaptureError';
  }
}

const bareHostPort = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** True when a CLI argument names a live service rather than a file. */
export function looksLikeCaptureTarget(arg: string): boolean {
  return /^https?:\/\//i.test(arg) || bareHostPort.test(arg);
}

/**
 * Turns the CLI argument into the URL to fetch: a bare host:port means the standard pprof
 * trace endpoint; `seconds` is added when the URL does not say.
 */
export function parseCaptureTarget(arg: string, defaultSeconds = 5): CaptureTarget {
  const href = bareHostPort.test(arg) ? `http://${arg}/debug/pprof/trace` : arg;
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw new CaptureError(`not a valid URL: ${arg}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CaptureError(`unsupported URL scheme ${url.protocol} (use http or https)`);
  if (!Number.isFinite(defaultSeconds) || defaultSeconds <= 0) throw new CaptureError(`-seconds must be a positive number, got ${defaultSeconds}`);
  const given = url.searchParams.get('seconds');
  let seconds = defaultSeconds;
  if (given === null) url.searchParams.set('seconds', String(defaultSeconds));
  else {
    seconds = Number(given);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new CaptureError(`the URL's seconds=${given} is not a positive number`);
  }
  return { url, seconds };
}

/** `<host>_<port>-YYYYMMDD-HHMMSS.trace`, safe on every file system. */
export function captureFileName(url: URL, at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`;
  const host = url.hostname.replace(/[^A-Za-z0-9.-]/g, '_');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${host}_${port}-${stamp}.trace`;
}

const MAX_REDIRECTS = 5;

function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/**
 * Fetches the trace, streaming it to disk. Resolves with the saved path once the body has ended
 * and its first bytes are a Go trace header; rejects with a one-line CaptureError otherwise.
 */
export async function captureTrace(target: CaptureTarget, options: CaptureOptions = {}): Promise<{ path: string; bytes: number }> {
  const startedAt = Date.now();
  const graceMs = options.graceMs ?? 30_000;
  let url = target.url;
  for (let hop = 0; ; hop++) {
    const response = await request(url, target.seconds * 1000 + graceMs);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      const next = new URL(response.headers.location, url);
      if (next.host !== url.host || next.protocol !== url.protocol) {
        throw new CaptureError(`refusing to follow a redirect from ${url.host} to another host (${next.protocol}//${next.host})`);
      }
      if (hop + 1 >= MAX_REDIRECTS) throw new CaptureError(`too many redirects from ${target.url.href}`);
      url = next;
      continue;
    }
    if (status !== 200) {
      const firstLine = await firstBodyLine(response);
      throw new CaptureError(`${url.host} answered ${status} ${response.statusMessage ?? ''}`.trimEnd() + (firstLine ? `: ${firstLine}` : ''));
    }
    return saveBody(response, url, target.seconds, startedAt, graceMs, options);
  }
}

function request(url: URL, timeoutMs: number): Promise<http.IncomingMessage> {
  const get = url.protocol === 'https:' ? https.get : http.get;
  return new Promise((resolve, reject) => {
    const req = get(url, { headers: { 'user-agent': 'tstrace' } }, resolve);
    req.setTimeout(timeoutMs, () => req.destroy(new CaptureError(`timed out after ${formatSeconds(timeoutMs)} waiting for ${url.host}`)));
    req.on('error', (err: NodeJS.ErrnoException) => reject(err instanceof CaptureError ? err : new CaptureError(describeNetworkError(err, url))));
  });
}

function describeNetworkError(err: NodeJS.ErrnoException, url: URL): string {
  switch (err.code) {
    case 'ECONNREFUSED': return `cannot connect to ${url.host}: connection refused (is the service running with net/http/pprof?)`;
    case 'ENOTFOUND': case 'EAI_AGAIN': return `cannot resolve host ${url.hostname}`;
    case 'ECONNRESET': return `${url.host} closed the connection`;
    case 'ETIMEDOUT': return `timed out connecting to ${url.host}`;
    default: return `cannot fetch ${url.href}: ${err.code ?? err.message}`;
  }
}

async function firstBodyLine(response: http.IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of response) {
    text += chunk.toString('utf8');
    if (text.includes('\n') || text.length > 4096) break;
  }
  response.destroy();
  return text.split('\n')[0].trim().slice(0, 200);
}

async function saveBody(response: http.IncomingMessage, url: URL, seconds: number, startedAt: number, graceMs: number,
  options: CaptureOptions): Promise<{ path: string; bytes: number }> {
  const name = captureFileName(url, (options.now ?? (() => new Date()))());
  const finalPath = join(options.outDir ?? process.cwd(), name);
  const partialPath = `${finalPath}.part`;
  const file = createWriteStream(partialPath);
  let bytes = 0;
  const head: number[] = [];
  const report = () => options.onProgress?.({ elapsedMs: Date.now() - startedAt, seconds, bytes });
  const ticker = setInterval(report, 500);
  // The body idles for the whole capture; give up only when it outlives the capture by the grace.
  response.setTimeout(seconds * 1000 + graceMs, () => response.destroy(new CaptureError(`timed out: no data from ${url.host} for ${formatSeconds(seconds * 1000 + graceMs)}`)));
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      if (head.length < HEADER_PROBE) head.push(...chunk.subarray(0, HEADER_PROBE - head.length));
      bytes += chunk.length;
      if (!file.write(chunk)) await new Promise<void>((r) => file.once('drain', () => r()));
    }
  } catch (err) {
    await close(file);
    const saved = bytes > 0 ? await keep(partialPath, finalPath) : undefined;
    const why = err instanceof CaptureError ? err.message : `the connection to ${url.host} failed mid-capture (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
    throw new CaptureError(saved ? `${why}; the ${bytes} bytes received are saved in ${saved}` : why, saved);
  } finally {
    clearInterval(ticker);
  }
  await close(file);
  report();
  const saved = await keep(partialPath, finalPath);
  if (bytes === 0) throw new CaptureError(`${url.host} sent an empty response, not a trace`, saved);
  try {
    parseHeader(Uint8Array.from(head));
  } catch (err) {
    throw new CaptureError(`the response from ${url.host} is not a Go execution trace (${(err as Error).message}); saved in ${saved}`, saved);
  }
  return { path: saved, bytes };
}

function close(file: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

async function keep(partialPath: string, finalPath: string): Promise<string> {
  await rename(partialPath, finalPath);
  return finalPath;
}
