// Placeholder CLI until the server lands (issue 6): reports the trace's header.
import { parseHeader } from '../parser/wire/header.ts';
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: tstrace [flags] trace.out');
  process.exit(2);
}
try {
  const header = parseHeader(readFileSync(file).subarray(0, 16));
  console.log(`${file}: ${header.version} trace (${header.format}). The viewer will open here once the server lands.`);
} catch (err) {
  console.error(`tstrace: ${(err as Error).message}`);
  process.exit(1);
}
