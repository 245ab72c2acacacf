// Formats nanosecond durations exactly as Go's time.Duration.String does, so the numbers on
// our pages read the same as go tool trace's ("1.234567ms", "2m3.5s", "0s").

const units: readonly [number, string][] = [
  [1e6, 'ms'],
  [1e3, 'µs'],
  [1, 'ns'],
];

/** Go's fmtFrac: the integer and fractional parts of `value / scale`, trailing zeros dropped. */
function withFraction(value: bigint, scale: bigint): string {
  const whole = value / scale;
  const frac = value % scale;
  if (frac === 0n) return whole.toString();
  const digits = scale.toString().length - 1;
  const fracText = frac.toString().padStart(digits, '0').replace(/0+$/, '');
  return `${whole}.${fracText}`;
}

export function goDuration(ns: number): string {
  if (!Number.isFinite(ns)) return '–';
  let d = BigInt(Math.round(ns));
  if (d === 0n) return '0s';
  const negative = d < 0n;
  if (negative) d = -d;
  let text: string;
  if (d < 1_000_000_000n) {
    const [scale, unit] = d < 1000n ? units[2] : d < 1_000_000n ? units[1] : units[0];
    text = withFraction(d, BigInt(scale)) + unit;
  } else {
    const hours = d / 3_600_000_000_000n;
    const rest = d % 3_600_000_000_000n;
    const minutes = rest / 60_000_000_000n;
    const seconds = withFraction(rest % 60_000_000_000n, 1_000_000_000n) + 's';
    text = hours > 0n ? `${hours}h${minutes}m${seconds}` : minutes > 0n ? `${minutes}m${seconds}` : seconds;
  }
  return negative ? '-' + text : text;
}

/** A short label for axes and rulers: three significant digits at most ("1.25ms", "40µs"). */
export function shortDuration(ns: number): string {
  const abs = Math.abs(ns);
  if (abs === 0) return '0';
  const pick = (scale: number, unit: string) => `${+(ns / scale).toPrecision(3)}${unit}`;
  if (abs < 1e3) return pick(1, 'ns');
  if (abs < 1e6) return pick(1e3, 'µs');
  if (abs < 1e9) return pick(1e6, 'ms');
  return pick(1e9, 's');
}

/** go tool trace's MMU page niceDuration: exact value in the largest unit below it. */
export function niceDuration(ns: number): string {
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return `${ns / 1e3}µs`;
  if (ns < 1e9) return `${ns / 1e6}ms`;
  return `${ns / 1e9}s`;
}

/** Byte counts for the heap lane and facts ("12.3 MiB"). */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
