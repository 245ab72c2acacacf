import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from '../../server/cli/args.ts';
import { parseListenAddress, serverUrl } from '../../server/cli/listen-address.ts';

describe('parseCliArgs', () => {
  it('serves by default on localhost:0 with the browser', () => {
    expect(parseCliArgs(['trace.out'])).toEqual({ command: 'serve', http: 'localhost:0', openBrowser: true, traceFile: 'trace.out', seconds: 5, timeline: 'auto' });
  });

  it('accepts Go and GNU flag spellings, before or after the file', () => {
    for (const argv of [['-http=:6060', 't'], ['-http', ':6060', 't'], ['--http=:6060', 't'], ['t', '--http', ':6060']]) {
      expect(parseCliArgs(argv)).toMatchObject({ command: 'serve', http: ':6060', traceFile: 't' });
    }
    expect(parseCliArgs(['--no-browser', 't'])).toMatchObject({ openBrowser: false });
    expect(parseCliArgs(['-no-browser=false', 't'])).toMatchObject({ openBrowser: true });
  });

  it('takes the last of two positional arguments, as go tool trace [pkg.test] trace.out', () => {
    expect(parseCliArgs(['pkg.test', 'trace.out'])).toMatchObject({ traceFile: 'trace.out', seconds: 5 });
  });

  it('selects -pprof and -d commands and rejects unknown values with exit status 1', () => {
    expect(parseCliArgs(['-pprof=sched', 't'])).toEqual({ command: 'pprof', kind: 'sched', traceFile: 't', seconds: 5 });
    expect(parseCliArgs(['-d', 'parsed', 't'])).toEqual({ command: 'debug', mode: 'parsed', traceFile: 't', seconds: 5 });
    const pprof = (() => { try { parseCliArgs(['-pprof=heap', 't']); } catch (err) { return err; } })();
    expect(pprof).toBeInstanceOf(UsageError);
    expect((pprof as UsageError).message).toBe('unknown pprof type heap (want one of: net, sync, syscall, sched)');
    expect((pprof as UsageError).exitCode).toBe(1);
    expect(() => parseCliArgs(['-d=raw', 't'])).toThrow('invalid debug mode raw, want one of: parsed, wire, footprint');
  });

  it('answers --help and --version without a trace file', () => {
    expect(parseCliArgs(['--help'])).toEqual({ command: 'help' });
    expect(parseCliArgs(['-h'])).toEqual({ command: 'help' });
    expect(parseCliArgs(['--version'])).toEqual({ command: 'version' });
  });

  it('reports usage mistakes with exit status 2', () => {
    for (const [argv, message] of [
      [[], 'missing trace file'],
      [['-bogus', 't'], 'flag provided but not defined: -bogus'],
      [['t', '-http'], 'flag needs an argument: -http'],
      [['a', 'b', 'c'], 'too many arguments: a b c'],
    ] as const) {
      let caught: unknown;
      try { parseCliArgs(argv); } catch (err) { caught = err; }
      expect(caught).toBeInstanceOf(UsageError);
      expect((caught as UsageError).message).toBe(message);
      expect((caught as UsageError).exitCode).toBe(2);
    }
  });
});

describe('parseListenAddress', () => {
  it('listens on loopback when no host is given (go tool trace rule)', () => {
    expect(parseListenAddress(':6060')).toEqual({ host: '127.0.0.1', port: 6060, allInterfaces: false });
    expect(parseListenAddress('localhost:0')).toEqual({ host: '127.0.0.1', port: 0, allInterfaces: false });
    expect(parseListenAddress('[::1]:80')).toEqual({ host: '::1', port: 80, allInterfaces: false });
  });

  it('binds all interfaces only when asked explicitly', () => {
    expect(parseListenAddress('0.0.0.0:6060')).toEqual({ host: '0.0.0.0', port: 6060, allInterfaces: true });
    expect(parseListenAddress('[::]:6060')).toEqual({ host: '::', port: 6060, allInterfaces: true });
  });

  it('rejects malformed addresses', () => {
    for (const bad of ['6060', 'host:', 'host:99999', 'a:b:c', '[::1]', 'host:http']) {
      expect(() => parseListenAddress(bad), bad).toThrow(/malformed -http value/);
    }
  });

  it('prints a URL a local browser can open', () => {
    expect(serverUrl('127.0.0.1', 8080)).toBe('http://127.0.0.1:8080');
    expect(serverUrl('0.0.0.0', 8080)).toBe('http://127.0.0.1:8080');
    expect(serverUrl('::', 8080)).toBe('http://[::1]:8080');
  });
});
