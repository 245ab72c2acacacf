// Human-readable sizes and progress lines worded as go tool trace words them (cmd/trace/main.go).

/** Go's byteCount.String(): "512 B", "1.5 KiB", "12.0 MiB", "2.3 GiB". */
export function formatByteCount(bytes: number): string {
  const units: [number, string][] = [[2 ** 40, 'TiB'], [2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']];
  for (const [divisor, suffix] of units) {
    if (bytes >= divisor) return `${(bytes / divisor).toFixed(1)} ${suffix}`;
  }
  return `${bytes} B`;
}

/** "1.5 MiB of 12.0 MiB (12.5%) processed..." */
export function formatProgress(bytesRead: number, totalBytes: number): string {
  const percent = totalBytes > 0 ? (bytesRead / totalBytes) * 100 : 0;
  return `${formatByteCount(bytesRead)} of ${formatByteCount(totalBytes)} (${percent.toFixed(1)}%) processed...`;
}

/** "Lost 3.21% of the latest trace data due to error (1.0 KiB of 32.0 KiB)" */
export function formatLostData(validBytes: number, totalBytes: number): string {
  const lost = totalBytes - validBytes;
  const percent = totalBytes > 0 ? (lost / totalBytes) * 100 : 0;
  return `Lost ${percent.toFixed(2)}% of the latest trace data due to error (${formatByteCount(lost)} of ${formatByteCount(totalBytes)})`;
}
