// Placeholder until the v2 reader lands (issue 3).
import type { ByteSource, ParseOptions, ParseResult } from '../types.ts';
import { TraceParseError } from '../types.ts';
import type { TraceHeader } from '../wire/header.ts';

export async function readV2Trace(_source: ByteSource, header: TraceHeader, _options: ParseOptions): Promise<ParseResult> {
  throw new TraceParseError(`${header.version} traces are not supported yet`);
}
