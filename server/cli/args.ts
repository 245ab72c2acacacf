// Command-line parsing for `tstrace`, kept apart from what the commands do so it can be
// tested as a pure function. Accepts Go's flag spellings (-http=addr, -http addr) and the
// GNU ones (--http=addr, --http addr); flags may appear before or after the trace file.

import { PROFILE_KINDS, type ProfileKind } from '../routes/profile-kinds.ts';

export const DEBUG_MODES = ['wire', 'parsed', 'footprint'] as const;
export type DebugMode = (typeof DEBUG_MODES)[number];

export type CliCommand =
  | { command: 'help' }
  | { command: 'version' }
  | { command: 'pprof'; kind: ProfileKind; traceFile: string; seconds: number }
  | { command: 'debug'; mode: DebugMode; traceFile: string; seconds: number }
  | { command: 'serve'; http: string; openBrowser: boolean; traceFile: string; seconds: number; timeline: TimelineMode };

/** Whether the server builds the timeline: always, never, or when it fits in memory (auto). */
export const TIMELINE_MODES = ['auto', 'on', 'off'] as const;
export type TimelineMode = (typeof TIMELINE_MODES)[number];

/** A mistake in how tstrace was invoked: printed with a pointer to --help, exit status 2 as Go's flag package. */
export class UsageError extends Error {
  /** go tool trace exits 1 for a bad -pprof / -d value (logAndDie) and 2 for flag syntax errors. */
  constructor(message: string, readonly exitCode: 1 | 2 = 2) {
    super(message);
    this.name = 'UsageError';
  }
}

const valueFlags = new Set(['http', 'pprof', 'd', 'seconds', 'timeline']);
const boolFlags = new Set(['no-browser', 'help', 'h', 'version']);

export const DEFAULT_HTTP = 'localhost:0';
/** Capture length for `tstrace host:port` when the URL does not give seconds=. */
export const DEFAULT_CAPTURE_SECONDS = 5;

export const usageText = `Usage: tstrace [flags] trace.out

Open a web browser displaying the trace (a Go execution trace from 'go test -trace=trace.out pkg',
runtime/trace, net/http/pprof's /debug/pprof/trace or the flight recorder):
    tstrace [flags] trace.out

Capture a trace from a running service with net/http/pprof, save it in the current directory,
then open it (a bare host:port means http://host:port/debug/pprof/trace):
    tstrace [flags] http://host:6060/debug/pprof/trace?seconds=5
    tstrace -seconds=10 localhost:6060

Generate a pprof profile from the trace (like go tool trace -pprof):
    tstrace -pprof=TYPE trace.out > TYPE.pb.gz

Supported profile types are:
    - net: network blocking profile
    - sync: synchronization blocking profile
    - syscall: syscall blocking profile
    - sched: scheduler latency profile

Flags:
    -http=addr     HTTP server listen address (default localhost:0, a free port)
    -pprof=type    print a pprof profile to stdout instead of serving
    -d=mode        print debug info and exit (modes: wire, parsed, footprint)
    -seconds=N     capture length when capturing from a URL without seconds= (default 5)
    -timeline=mode build the timeline: auto (default: whole if it fits in this machine's
                   memory, about 20× the trace size, else a part at a time, each part
                   what fits), on (whole), or off
    --no-browser   do not open a browser
    --help         print this help
    --version      print the version

When providing only a port to -http (e.g. ':6060'), tstrace listens only on localhost.
To listen on all addresses, explicitly add the unspecified address (e.g. '0.0.0.0:6060').
Flags may be written -flag=value, -flag value, --flag=value or --flag value.
$BROWSER, when set, is the command run with the URL to open the viewer.
`;

/** Parses argv (without node and the script path). Throws UsageError on bad input. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  const values = new Map<string, string>();
  const bools = new Set<string>();
  const positional: string[] = [];

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const inline = eq < 0 ? undefined : body.slice(eq + 1);
    if (valueFlags.has(name)) {
      let value = inline;
      if (value === undefined) {
        if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: -${name}`);
        value = argv[++i];
      }
      values.set(name, value);
    } else if (boolFlags.has(name)) {
      if (inline !== undefined && !['true', 'false', '1', '0'].includes(inline)) {
        throw new UsageError(`invalid boolean value "${inline}" for -${name}`);
      }
      if (inline === undefined || inline === 'true' || inline === '1') bools.add(name);
      else bools.delete(name);
    } else {
      throw new UsageError(`flag provided but not defined: -${name}`);
    }
  }

  if (bools.has('help') || bools.has('h')) return { command: 'help' };
  if (bools.has('version')) return { command: 'version' };

  // go tool trace also accepts `[pkg.test] trace.out`; the binary only mattered for Go ≤1.6 traces.
  if (positional.length === 0) throw new UsageError('missing trace file');
  if (positional.length > 2) throw new UsageError(`too many arguments: ${positional.join(' ')}`);
  const traceFile = positional[positional.length - 1];

  const secondsText = values.get('seconds');
  const seconds = secondsText === undefined ? DEFAULT_CAPTURE_SECONDS : Number(secondsText);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`invalid value "${secondsText}" for -seconds: want a positive number`);

  const pprof = values.get('pprof');
  if (pprof !== undefined && pprof !== '') {
    if (!(PROFILE_KINDS as readonly string[]).includes(pprof)) {
      throw new UsageError(`unknown pprof type ${pprof} (want one of: ${PROFILE_KINDS.join(', ')})`, 1);
    }
    return { command: 'pprof', kind: pprof as ProfileKind, traceFile, seconds };
  }
  const debug = values.get('d');
  if (debug !== undefined && debug !== '') {
    if (!(DEBUG_MODES as readonly string[]).includes(debug)) {
      throw new UsageError(`invalid debug mode ${debug}, want one of: parsed, wire, footprint`, 1);
    }
    return { command: 'debug', mode: debug as DebugMode, traceFile, seconds };
  }
  const timeline = values.get('timeline') ?? 'auto';
  if (!(TIMELINE_MODES as readonly string[]).includes(timeline)) {
    throw new UsageError(`invalid value "${timeline}" for -timeline: want one of ${TIMELINE_MODES.join(', ')}`);
  }
  return { command: 'serve', http: values.get('http') ?? DEFAULT_HTTP, openBrowser: !bools.has('no-browser'), traceFile, seconds, timeline: timeline as TimelineMode };
}
