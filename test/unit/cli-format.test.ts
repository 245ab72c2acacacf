import { describe, expect, it } from 'vitest';
import { formatByteCount, formatLostData, formatProgress } from '../../server/format.ts';

// Expected strings follow Go's byteCount.String and log formats in cmd/trace/main.go
// ("%d B" below 1 KiB, else "%.1f KiB|MiB|GiB"; "%.1f%%" progress; "%.2f%%" lost data).
describe('go tool trace wording', () => {
  it('formats byte counts like byteCount.String', () => {
    expect(formatByteCount(0)).toBe('0 B');
    expect(formatByteCount(1023)).toBe('1023 B');
    expect(formatByteCount(1024)).toBe('1.0 KiB');
    expect(formatByteCount(1536)).toBe('1.5 KiB');
    expect(formatByteCount(5 * 2 ** 20 + 2 ** 19)).toBe('5.5 MiB');
    expect(formatByteCount(3 * 2 ** 30)).toBe('3.0 GiB');
  });

  it('formats progress and lost-data lines', () => {
    expect(formatProgress(2 ** 20, 4 * 2 ** 20)).toBe('1.0 MiB of 4.0 MiB (25.0%) processed...');
    expect(formatLostData(3 * 2 ** 10, 4 * 2 ** 10)).toBe('Lost 25.00% of the latest trace data due to error (1.0 KiB of 4.0 KiB)');
  });
});
