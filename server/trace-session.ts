// One open trace: parses the file in the background, feeding every analysis in ONE pass
// (DESIGN.md "one pass, many consumers"), and keeps their results for the routes. The server
// is up before parsing ends; until then routes see status() and answer 503.

import { parseTraceFile, TraceTables, type ByteRange, type OffThreadName, type OffThreadResults, type ParseOptions, type ParseResult, type TraceEvent } from '../parser/index.ts';

export type SessionState = 'parsing' | 'ready' | 'failed';

/** What /api/status returns (and every other /api route while not ready). */
export interface SessionStatus {
  state: SessionState;
  bytesRead: number;
  totalBytes: number;
  /** 0–100, one decimal. */
  percent: number;
  /** Set when state is 'failed': one line, no stack trace. */
  error?: string;
  /**
   * Results still being built once the pages are ready (the timeline, on its own thread): their
   * routes answer 503 until they are in.
   */
  building: string[];
  /** Results that could not be built, as "name: one-line error" (the other pages still work). */
  buildErrors?: string[];
  /** Of the results being built, those that report it: percent of their input read (a timeline part). */
  buildProgress?: Record<string, number>;
}

/** What the parser reports, with the results of the analyses it ran beside onEvent's. */
export type SessionParseResult = ParseResult & {
  offThread: OffThreadResults;
  /** Set when the off-thread analyses saw only the trace's first bytes (ParseFileOptions.offThreadByteLimit). */
  offThreadCutAt?: number | null;
  /** With offThreadCutAt: how many generations they saw. */
  offThreadGenerations?: number | null;
};

/**
 * Runs the parser on the file (parseTraceFile); replaceable so tests can control timing. It must
 * run the `offThread` analyses asked for (parseTraceFile does: on their own thread, or inline).
 */
export type ParseFunction = (
  path: string,
  options: Omit<ParseOptions, 'totalBytes'> & { offThread?: readonly OffThreadName[]; offThreadByteLimit?: number; byteRange?: ByteRange },
) => Promise<SessionParseResult>;

/**
 * The analyses fed by the one pass. Like parser/analysis/analysis.ts's Analysis, but finish()
 * gets the parser's report (some results keep only the events of complete generations) and
 * the results of the analyses named in `offThread`, which the parser runs on a thread of their own.
 */
export interface SessionAnalyses<A> {
  handleEvent(event: TraceEvent): void;
  offThread?: readonly OffThreadName[];
  finish(parse: SessionParseResult): A | Promise<A>;
  /** The results of finish() that may arrive later (routes check them; status lists them). */
  lateResults?(results: A): LateResult<unknown>[];
}

export type AnalysesFactory<A> = (tables: TraceTables) => SessionAnalyses<A>;

/**
 * A result that arrives after the pages went ready: the timeline model, which costs as much as
 * every other analysis together, is built on its own thread and may finish seconds later.
 */
export class LateResult<T> {
  private settled: { value: T } | { error: string } | null = null;
  /** Settles (never rejects) once the result is in or has failed. */
  readonly done: Promise<void>;

  constructor(readonly name: string, result: Promise<T>) {
    this.done = result.then(
      (value) => void (this.settled = { value }),
      (err: unknown) => void (this.settled = { error: oneLine(err) }),
    );
  }

  /** The result, or null while it is being built or if it failed. */
  get value(): T | null {
    return this.settled !== null && 'value' in this.settled ? this.settled.value : null;
  }

  /** The one-line error if building it failed. */
  get error(): string | null {
    return this.settled !== null && 'error' in this.settled ? this.settled.error : null;
  }

  get pending(): boolean {
    return this.settled === null;
  }

  /** Percent of its input read so far, for results that report it (status lists it while pending). */
  progress: number | null = null;
}

export interface TraceSessionOptions<A> {
  analyses: AnalysesFactory<A>;
  parse?: ParseFunction;
  /** Called as bytes are consumed (for the CLI's progress line). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** The off-thread analyses (the timeline) see only the generations within this many bytes. */
  offThreadByteLimit?: number;
}

/** Everything known about a parsed trace: the parser's report plus each analysis' result. */
export interface SessionResults<A> {
  parse: ParseResult & { offThreadCutAt?: number | null; offThreadGenerations?: number | null };
  analyses: A;
}

export class TraceSession<A = unknown> {
  private state: SessionState = 'parsing';
  private bytesRead = 0;
  private totalBytes = 0;
  private error: string | undefined;
  private finished: SessionResults<A> | null = null;
  private late: LateResult<unknown>[] = [];
  private running: Promise<void> | null = null;

  constructor(
    readonly traceFile: string,
    private readonly options: TraceSessionOptions<A>,
  ) {}

  /**
   * Starts parsing (once); the promise settles when parsing has ended and every late result is
   * in (or failed), and never rejects. Pages are ready earlier: see `ready`.
   */
  start(): Promise<void> {
    this.running ??= this.run();
    return this.running;
  }

  status(): SessionStatus {
    const percent = percentOf(this.bytesRead, this.totalBytes);
    const building = this.late.filter((r) => r.pending).map((r) => r.name);
    const status: SessionStatus = { state: this.state, bytesRead: this.bytesRead, totalBytes: this.totalBytes, percent, building };
    if (this.error !== undefined) status.error = this.error;
    const buildErrors = this.late.filter((r) => r.error !== null).map((r) => `${r.name}: ${r.error}`);
    if (buildErrors.length > 0) status.buildErrors = buildErrors;
    const reporting = this.late.filter((r) => r.pending && r.progress !== null);
    if (reporting.length > 0) status.buildProgress = Object.fromEntries(reporting.map((r) => [r.name, r.progress!]));
    return status;
  }

  get ready(): boolean {
    return this.state === 'ready';
  }

  /** How the session parses (a timeline part is read the same way, server/timeline-parts.ts). */
  get parseFunction(): ParseFunction {
    return this.options.parse ?? parseTraceFile;
  }

  /** The bytes of trace the off-thread analyses may see (TraceSessionOptions.offThreadByteLimit). */
  get offThreadByteLimit(): number | undefined {
    return this.options.offThreadByteLimit;
  }

  /**
   * Puts `result` in place of the late result of the same name (a timeline part built on
   * request): status() lists it while it is pending, and the old one's error no more.
   */
  replaceLateResult(result: LateResult<unknown>): void {
    this.late = [...this.late.filter((r) => r.name !== result.name), result];
  }

  /** The finished results; only call once ready (routes are gated on it). */
  results(): SessionResults<A> {
    if (!this.finished) throw new Error(`trace session is ${this.state}, not ready`);
    return this.finished;
  }

  private async run(): Promise<void> {
    const parse = this.options.parse ?? parseTraceFile;
    const tables = new TraceTables();
    try {
      const analyses = this.options.analyses(tables);
      const parsed = await parse(this.traceFile, {
        onEvent: analyses.handleEvent,
        offThread: analyses.offThread,
        offThreadByteLimit: this.options.offThreadByteLimit,
        tables,
        onProgress: (bytesRead, totalBytes) => {
          this.bytesRead = bytesRead;
          if (Number.isFinite(totalBytes)) this.totalBytes = totalBytes;
          this.options.onProgress?.(bytesRead, this.totalBytes);
        },
      });
      this.totalBytes = parsed.totalBytes;
      this.bytesRead = parsed.totalBytes;
      const results = await analyses.finish(parsed);
      // Kept without the off-thread results' promises: the analyses hold what they need of them,
      // and a timeline replaced later (server/timeline-parts.ts) must not stay reachable here.
      const { offThread: _handedOver, ...parseReport } = parsed;
      this.finished = { parse: parseReport, analyses: results };
      this.late = analyses.lateResults?.(this.finished.analyses) ?? [];
      this.state = 'ready';
    } catch (err) {
      this.error = oneLine(err);
      this.state = 'failed';
      return;
    }
    await Promise.all(this.late.map((r) => r.done));
  }
}

/** `done` of `total` as a percent with one decimal (0 when the total is not known yet). */
export function percentOf(done: number, total: number): number {
  return total > 0 ? Math.round((done / total) * 1000) / 10 : 0;
}

/** An error as one line for users: the message only, never a stack. */
export function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0].trim() || 'unknown error';
}
