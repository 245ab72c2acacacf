// What the parser must do with any input, checked per input: end with a ParseResult (good or
// partial) or a one-line TraceParseError naming the byte offset; never another exception,
// never a non-increasing event time, never a result that contradicts itself, and the same
// outcome however the bytes are chunked.

import { parseTraceBytes, TraceParseError, type ParseResult } from '../../parser/index.ts';

export type FindingKind =
  | 'crash' // an exception that is not a TraceParseError
  | 'multi-line' // a TraceParseError message with a line break
  | 'no-offset' // a TraceParseError that does not say where ("(at byte N)")
  | 'bad-result' // a ParseResult that breaks its own contract
  | 'bad-event' // an event time that is not finite or not increasing
  | 'chunk-dependent' // a different outcome when the same bytes come in other chunks
  | 'slow' // over the per-input time limit
  | 'memory'; // resident memory over the ceiling

export interface Outcome {
  /** ok: a good trace; partial: ParseResult with error; rejected: TraceParseError. */
  kind: 'ok' | 'partial' | 'rejected' | 'finding';
  finding?: FindingKind;
  /** The error message (rejected / partial / finding), '' for ok. */
  message: string;
  events: number;
  validEvents: number;
  ms: number;
  /** CPU time of the process meanwhile (ms): what slowness is judged on, as a busy machine
   * stretches wall time but not this. */
  cpuMs: number;
  /** Extra detail for findings (stack trace, the two outcomes that differ...). */
  detail?: string;
}

const OFFSET = /\(at byte \d+\)$/;

/** Parses once and classifies what happened. */
export async function parseOnce(bytes: Uint8Array, chunkSize: number): Promise<Outcome> {
  let events = 0;
  let lastTime = -Infinity;
  let badEvent: string | null = null;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const cpuMs = () => {
    const used = process.cpuUsage(cpuStarted);
    return (used.user + used.system) / 1000;
  };
  let result: ParseResult;
  try {
    result = await parseTraceBytes(bytes, {
      chunkSize,
      onEvent: (ev) => {
        events++;
        // Times must increase (Go's reader bumps ties by 1 ns); beyond ±2^53 a double cannot
        // hold that 1 ns step, so there they need only not decrease.
        const increases = ev.time > lastTime || (ev.time === lastTime && Math.abs(ev.time) >= 2 ** 53);
        if (badEvent === null && !(Number.isFinite(ev.time) && increases)) {
          badEvent = `event ${events} (kind ${ev.kind}) at time ${ev.time} after ${lastTime}`;
        }
        lastTime = ev.time;
      },
    });
  } catch (err) {
    const timing = { ms: performance.now() - started, cpuMs: cpuMs() };
    if (!(err instanceof TraceParseError)) {
      const e = err as Error;
      return { kind: 'finding', finding: 'crash', message: `${e?.name}: ${e?.message}`, events, validEvents: 0, ...timing, detail: e?.stack };
    }
    if (err.message.includes('\n')) return { kind: 'finding', finding: 'multi-line', message: err.message, events, validEvents: 0, ...timing };
    if (!OFFSET.test(err.message)) return { kind: 'finding', finding: 'no-offset', message: err.message, events, validEvents: 0, ...timing };
    return { kind: 'rejected', message: err.message, events, validEvents: 0, ...timing };
  }
  const timing = { ms: performance.now() - started, cpuMs: cpuMs() };
  const out = (kind: Outcome['kind'], message: string, finding?: FindingKind): Outcome =>
    ({ kind, finding, message, events, validEvents: result.validEvents, ...timing });
  if (badEvent !== null) return out('finding', badEvent, 'bad-event');
  const broken = contractViolation(result, events, bytes.length);
  if (broken !== null) return out('finding', broken, 'bad-result');
  return result.error === null ? out('ok', '') : out('partial', result.error);
}

function contractViolation(r: ParseResult, delivered: number, size: number): string | null {
  if (r.events !== delivered) return `result.events ${r.events} but ${delivered} delivered`;
  if (r.totalBytes !== size) return `totalBytes ${r.totalBytes} for ${size} bytes`;
  if (!(r.validBytes >= 0 && r.validBytes <= r.totalBytes)) return `validBytes ${r.validBytes} outside [0, ${r.totalBytes}]`;
  if (!(r.validEvents >= 0 && r.validEvents <= r.events)) return `validEvents ${r.validEvents} outside [0, ${r.events}]`;
  if (r.error === null && r.validEvents !== r.events) return `no error, yet validEvents ${r.validEvents} < events ${r.events}`;
  if (r.error !== null && r.error.trim() === '') return 'empty error message';
  if (r.error !== null && r.validEvents === 0) return `error set with no valid event: ${r.error}`;
  if (r.events > 0 && !(r.startTime <= r.endTime)) return `startTime ${r.startTime} after endTime ${r.endTime}`;
  return null;
}

/** The parts of an outcome that must not depend on chunking. */
const signature = (o: Outcome) => `${o.kind}|${o.finding ?? ''}|${o.message}|${o.events}|${o.validEvents}`;

/**
 * Checks one input: parsed whole, and (when `otherChunkSize` is given) again in chunks of
 * that size, which must give the same outcome. Slowness is judged by the caller.
 */
export async function checkInput(bytes: Uint8Array, chunkSize: number, otherChunkSize?: number): Promise<Outcome> {
  const first = await parseOnce(bytes, chunkSize);
  if (first.kind === 'finding' || otherChunkSize === undefined) return first;
  const second = await parseOnce(bytes, otherChunkSize);
  if (second.kind === 'finding') return second;
  if (signature(first) !== signature(second)) {
    return {
      ...first,
      kind: 'finding',
      finding: 'chunk-dependent',
      ms: first.ms + second.ms,
      cpuMs: first.cpuMs + second.cpuMs,
      detail: `chunks of ${chunkSize}: ${signature(first)}\nchunks of ${otherChunkSize}: ${signature(second)}`,
    };
  }
  return { ...first, ms: first.ms + second.ms, cpuMs: first.cpuMs + second.cpuMs };
}
