// tstrace -pprof=KIND trace.out: the blocking profile over every goroutine, gzipped
// profile.proto on stdout, as go tool trace -pprof=KIND writes it.

import type { ProfileKind } from '../routes/profile-kinds.ts';
import { CliError } from './trace-file.ts';
import type { CliIo } from './io.ts';

export async function writePprof(kind: ProfileKind, _path: string, _size: number, _io: CliIo): Promise<void> {
  throw new CliError(`-pprof=${kind} is not available yet: the profile analysis has not landed`);
}
