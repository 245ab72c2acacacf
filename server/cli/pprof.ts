// tstrace -pprof=KIND trace.out: the blocking profile over every goroutine, gzipped
// profile.proto on stdout, as go tool trace -pprof=KIND writes it.

import { parseTraceFile, TraceTables } from '../../parser/index.ts';
import { writePprof as encodeProfile } from '../encode/pprof.ts';
import { createProfileAnalyses } from '../analyses/index.ts';
import type { ProfileKind } from '../routes/profile-kinds.ts';
import type { CliIo } from './io.ts';

export async function writePprof(kind: ProfileKind, path: string, _size: number, io: CliIo): Promise<void> {
  const tables = new TraceTables();
  const analyses = createProfileAnalyses(tables, [kind]);
  const parsed = await parseTraceFile(path, { tables, onEvent: analyses.handleEvent });
  // Like go tool trace, a damaged trace still yields the profile of its complete generations.
  const { profiles } = await analyses.finish(parsed);
  const bytes = encodeProfile(profiles.profile(kind, null), tables);
  await new Promise<void>((resolve, reject) => {
    io.stdout.write(bytes, (err) => (err ? reject(err) : resolve()));
  });
}
