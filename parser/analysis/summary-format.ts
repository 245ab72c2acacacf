// Go's text forms that go tool trace's task and region pages put into names and descriptions:
// time.Duration's String and ParseDuration, strconv.Quote (%q), and fmt's %2.9f of seconds.

const unitNs: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.Duration.String for a whole number of nanoseconds: "0s", "950ns", "1.5µs", "2m3.000000001s". */
export function formatGoDuration(d: number): string {
  if (d === 0) return '0s';
  const sign = d < 0 ? '-' : '';
  let u = Math.abs(Math.trunc(d));
  if (u < 1e3) return `${sign}${u}ns`;
  if (u < 1e6) return `${sign}${fixedTrimmed(u, 3)}µs`;
  if (u < 1e9) return `${sign}${fixedTrimmed(u, 6)}ms`;
  let out = `${fixedTrimmed(u % 60e9, 9)}s`;
  u = Math.floor(u / 60e9);
  if (u > 0) {
    out = `${u % 60}m${out}`;
    u = Math.floor(u / 60);
    if (u > 0) out = `${u}h${out}`;
  }
  return sign + out;
}

/** v / 10^digits with the fraction's trailing zeros (and a bare point) removed. */
function fixedTrimmed(v: number, digits: number): string {
  const scale = 10 ** digits;
  const whole = Math.floor(v / scale);
  const frac = String(v % scale).padStart(digits, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

/** Go's time.ParseDuration, in nanoseconds; null where Go returns an error. */
export function parseGoDuration(text: string): number | null {
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return null;
  let total = 0;
  const component = /^(\d*)(?:\.(\d*))?([^\d.]+)/;
  while (s !== '') {
    const m = component.exec(s);
    if (!m || (m[1] === '' && (m[2] === undefined || m[2] === ''))) return null;
    const unit = unitNs[m[3]];
    if (unit === undefined) return null;
    let v = (m[1] === '' ? 0 : Number(m[1])) * unit;
    if (m[2]) v += Math.trunc(Number(m[2]) * (unit / 10 ** m[2].length));
    total += v;
    s = s.slice(m[0].length);
  }
  if (total > 2 ** 63) return null;
  return negative ? -total : total;
}

/** Go's strconv.Quote (fmt's %q for a string). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (isGoPrint(ch)) out += ch;
    else if (c === 0x07) out += '\\a';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0b) out += '\\v';
    else if (c < 0x80) out += `\\x${hex(c, 2)}`;
    else if (c === 0xfffd) out += '\\ufffd'; // Bytes that were not UTF-8 arrive as U+FFFD.
    else if (c < 0x10000) out += `\\u${hex(c, 4)}`;
    else out += `\\U${hex(c, 8)}`;
  }
  return `${out}"`;
}

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isGoPrint(ch: string): boolean {
  return printable.test(ch);
}

function hex(c: number, width: number): string {
  return c.toString(16).padStart(width, '0');
}

/** fmt's "%2.9f" of a duration in seconds, as go tool trace prints "When" columns. */
export function formatSeconds(ns: number): string {
  return (ns / 1e9).toFixed(9).padStart(2, ' ');
}
