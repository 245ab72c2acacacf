// Placeholder until the v1 reader lands (issue 4).
import type { ByteSource, ParseOptions, ParseResult } from '../types.ts';
import { TraceParseError } from '../types.ts';
import type { TraceHeader } from '../wire/header.ts';

export async function readV1Trace(_source: ByteSource, header: TraceHeader, _options: ParseOptions): Promise<ParseResult> {
  throw new TraceParseError(`${header.version} traces are not supported yet`);
}
