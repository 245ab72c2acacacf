// tstrace [flags] trace.out: start parsing at once, then the server: print its URL, open the
// browser, and report progress on stderr — go tool trace's habits, minus the wait.

import type { AddressInfo } from 'node:net';
import { totalmem } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { TraceSession } from '../trace-session.ts';
import { createServedAnalyses } from '../analyses/index.ts';
import { formatLostData, formatProgress } from '../format.ts';
import { parseListenAddress, serverUrl } from './listen-address.ts';
import { CliError } from './trace-file.ts';
import type { CliIo } from './io.ts';
import type { TimelineMode } from './args.ts';
import { planTimeline } from './timeline-budget.ts';
import { WORKER_MIN_BYTES } from '../../parser/index.ts';

export interface ServeOptions {
  traceFile: string;
  http: string;
  openBrowser: boolean;
  /** The trace's size in bytes (checkTraceFile has read it): what the timeline would cost. */
  traceBytes: number;
  /** The trace's format (checkTraceFile's header): only a v2 timeline can stop at a generation. */
  traceFormat?: 'v1' | 'v2';
  /** Build the timeline: auto (when it fits in memory, the default), on or off. */
  timeline?: TimelineMode;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  session: TraceSession<unknown>;
  /** Settles when parsing has ended: the exit code to use if it failed, else null. */
  parsed: Promise<number | null>;
  close(): Promise<void>;
}

/** How long a parse must take before progress is shown (short parses stay quiet). */
const QUIET_PARSE_MS = 1000;

export async function startServer(options: ServeOptions, io: CliIo): Promise<RunningServer> {
  const address = parseListenAddress(options.http);
  const progress = createProgressReporter(io);
  // The parser cuts the timeline at a generation when it reads with the decode worker (v2 traces of
  // WORKER_MIN_BYTES or more; a trace too big for the whole timeline is far bigger).
  const canCut = options.traceFormat === 'v2' && options.traceBytes >= WORKER_MIN_BYTES;
  const plan = planTimeline(options.timeline ?? 'auto', options.traceBytes, totalmem(), canCut);
  const noTimeline = plan.build === 'none' ? plan.why : null;
  if (plan.build === 'none') io.log(`tstrace: not building the timeline: ${plan.why}`);
  if (plan.build === 'first part') io.log(`tstrace: the timeline is shown a part at a time, parts of up to ${(plan.byteLimit / 2 ** 30).toFixed(1)} GiB of trace (the timeline page picks one): ${plan.why}`);
  const session = new TraceSession(options.traceFile, {
    analyses: (tables) => createServedAnalyses(tables, { noTimeline }),
    onProgress: progress.update,
    offThreadByteLimit: plan.build === 'first part' ? plan.byteLimit : undefined,
  });
  // The parse starts before the server is built: Fastify loads and binds while the workers start
  // and the first blocks are decoded (~0.2 s sooner done). A failed bind ends the process (cli.ts).
  void session.start();
  const { buildApp } = await import('../app.ts');
  const app = await buildApp(session, { allowedHosts: address.allInterfaces ? null : undefined });
  try {
    await app.listen({ host: address.host, port: address.port });
  } catch (err) {
    await app.close();
    throw new CliError(`failed to create server socket: listen tcp ${address.host}:${address.port}: ${(err as Error).message}`);
  }
  const bound = app.server.address() as AddressInfo;
  const url = serverUrl(address.host, bound.port);
  if (address.allInterfaces) {
    io.log(`warning: listening on all interfaces (${options.http}): anyone who can reach this machine can read the trace`);
    io.log(`Full server listen address: ${address.host === '::' ? `[::]` : address.host}:${bound.port}`);
  }
  io.out(`Trace viewer is listening on ${url}\n`);
  if (options.openBrowser) void import('./browser.ts').then(({ openBrowser }) => openBrowser(url, { env: io.env, warn: io.log }));

  const parsed = session.start().then(() => {
    progress.done();
    const status = session.status();
    if (status.state === 'failed') {
      io.log(`tstrace: failed to parse trace: ${status.error}`);
      return 1;
    }
    const { parse } = session.results();
    if (parse.error !== null) {
      io.log(`Encountered error, but able to proceed. Error: ${parse.error}`);
      io.log(formatLostData(parse.validBytes, parse.totalBytes));
    }
    io.log(`Trace ready: ${parse.events} events (${parse.version}, ${parse.format}).`);
    // A result that failed after the pages went ready: the rest of the viewer still works.
    if (noTimeline === null) for (const failure of status.buildErrors ?? []) io.log(`tstrace: could not build the ${failure}`);
    return null;
  });

  return {
    app,
    url,
    session,
    parsed,
    close: () => app.close(),
  };
}

/** Progress on stderr once a parse has run for a second: a self-updating line on a terminal, else every 5 s. */
function createProgressReporter(io: CliIo) {
  const started = Date.now();
  let latest: [number, number] = [0, 0];
  let shown = false;
  let shownBytes = -1;
  let lastLine = 0;
  const show = (final: boolean) => {
    const line = formatProgress(latest[0], latest[1]);
    if (io.stderrIsTty) io.err(`\r${line}${final ? '\n' : ''}`);
    else io.log(line);
    shown = true;
    shownBytes = latest[0];
  };
  return {
    update(bytesRead: number, totalBytes: number) {
      latest = [bytesRead, totalBytes];
      const now = Date.now();
      if (now - started < QUIET_PARSE_MS) return;
      const interval = io.stderrIsTty ? 200 : 5000;
      if (!shown || now - lastLine >= interval) {
        lastLine = now;
        show(false);
      }
    },
    done() {
      if (!shown) return;
      latest = [latest[1], latest[1]];
      if (shownBytes !== latest[0]) show(true);
      else if (io.stderrIsTty) io.err('\n');
    },
  };
}
