import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTraceFile } from '../../server/cli/trace-file.ts';

describe('checkTraceFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tstrace-check-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, Buffer.from(text, 'latin1'));
    return path;
  };
  it('names an unknown version of any number of digits, as Go does', () => {
    const three = file('v123.trace', 'go 1.123 trace\0\0\0' + 'x'.repeat(40));
    expect(() => checkTraceFile(three)).toThrow(`${three}: unknown or unsupported trace version go 1.123`);
    const one = file('v5.trace', 'go 1.5 trace\0\0\0' + 'x'.repeat(40));
    expect(() => checkTraceFile(one)).toThrow(`${one}: unknown or unsupported trace version go 1.5`);
  });
  it('accepts a supported header and reports its format', () => {
    expect(checkTraceFile(file('ok.trace', 'go 1.26 trace\0\0\0rest')).header).toMatchObject({ version: 'go 1.26', format: 'v2' });
  });
});
