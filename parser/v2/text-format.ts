// Go's text form of the v2 wire format (internal/trace/raw/textreader.go), used by Go's golden
// parser tests (testdata/tests/*.test, txtar archives with an "expect" and a "trace" file).
// The text is encoded to the binary wire format (as Go's testtrace.ParseFile does with
// raw.Writer), so the tests exercise exactly the code real traces go through.

import { encodeUvarint } from '../wire/varint.ts';
import { specsForVersion, type EventSpec } from './specs.ts';

export interface GoParserTest {
  /** null for SUCCESS, else the regular expression the error must match. */
  failure: RegExp | null;
  goMinor: number;
  /** The trace in binary wire form, header included. */
  bytes: Uint8Array;
}

/** Parses a txtar .test file: "-- expect --" then "-- trace --". */
export function parseGoParserTest(text: string): GoParserTest {
  const files = parseTxtar(text);
  if (files.length !== 2 || files[0].name !== 'expect' || files[1].name !== 'trace') {
    throw new Error('malformed test: want exactly the files "expect" and "trace"');
  }
  const { goMinor, bytes } = encodeTextTrace(files[1].data);
  return { failure: parseExpectation(files[0].data), goMinor, bytes };
}

function parseTxtar(text: string): { name: string; data: string }[] {
  const files: { name: string; data: string }[] = [];
  let current: { name: string; lines: string[] } | null = null;
  for (const line of text.split('\n')) {
    const m = /^-- (.+) --$/.exec(line.trimEnd());
    if (m) {
      if (current) files.push({ name: current.name, data: current.lines.join('\n') });
      current = { name: m[1].trim(), lines: [] };
    } else if (current) {
      current.lines.push(line);
    }
  }
  if (current) files.push({ name: current.name, data: current.lines.join('\n') });
  return files;
}

function parseExpectation(data: string): RegExp | null {
  const first = data.split('\n')[0] ?? '';
  const space = first.indexOf(' ');
  const verb = space < 0 ? first : first.slice(0, space);
  if (verb === 'SUCCESS') return null;
  if (verb !== 'FAILURE' || space < 0) throw new Error(`bad header line: ${JSON.stringify(first)}`);
  return new RegExp(unquoteGo(first.slice(space + 1).trim()));
}

/** Encodes the text form into binary wire bytes (header + events), like raw.Writer. */
export function encodeTextTrace(text: string): { goMinor: number; bytes: Uint8Array } {
  const lines = text.split('\n').map(stripComment).filter((l) => l.trim() !== '');
  const head = lines.shift()?.trim().split(/\s+/) ?? [];
  if (head[0] !== 'Trace') throw new Error('failed to parse header');
  if (!head[1]?.startsWith('Go1.')) throw new Error('failed to parse header Go version');
  if (head.length > 2) throw new Error(`encountered unexpected non-space at the end of the header: ${JSON.stringify(head.slice(2).join(' '))}`);
  const goMinor = Number(head[1].slice(4));
  const specs = specsForVersion(goMinor);
  if (!specs) throw new Error(`unknown or unsupported Go version 1.${goMinor}`);
  const byName = new Map<string, number>();
  specs.forEach((s, i) => byName.set(s.name, i));

  const out: number[] = [...new TextEncoder().encode(`go 1.${goMinor} trace\0\0\0`)];
  for (let i = 0; i < lines.length; i++) {
    const tokens = lines[i].trim().split(/\s+/);
    const typ = byName.get(tokens[0]);
    if (typ === undefined || tokens[0] === '') throw new Error(`unidentified event: ${tokens[0]}`);
    const spec: EventSpec = specs[typ];
    const args = readArgs(tokens.slice(1), spec.args, tokens[0]);
    out.push(typ);
    for (const a of args) encodeUvarint(a, out);
    if (spec.isStack) {
      const frames = Number(args[1]);
      for (let f = 0; f < frames; f++) {
        const frameLine = lines[++i];
        if (frameLine === undefined) throw new Error(`unexpected EOF while reading stack: args=${args}`);
        for (const a of readArgs(frameLine.trim().split(/\s+/), ['pc', 'func', 'file', 'line'], 'frame')) encodeUvarint(a, out);
      }
    }
    if (spec.hasData) {
      const dataLine = lines[++i];
      if (dataLine === undefined) throw new Error(`unexpected EOF while reading data for ${tokens[0]}`);
      const eq = dataLine.indexOf('=');
      if (eq < 0 || dataLine.slice(0, eq).trim() !== 'data') throw new Error(`malformed data: ${JSON.stringify(dataLine)}`);
      const data = unquoteGoBytes(dataLine.slice(eq + 1).trim());
      encodeUvarint(data.length, out);
      out.push(...data);
    }
  }
  return { goMinor, bytes: Uint8Array.from(out) };
}

function stripComment(line: string): string {
  const hash = line.indexOf('#');
  return hash < 0 ? line : line.slice(0, hash);
}

function readArgs(tokens: string[], names: readonly string[], what: string): bigint[] {
  if (tokens.length > names.length) throw new Error(`reading args for ${what}: encountered unexpected non-space at the end of an event`);
  return names.map((name, i) => {
    const tok = tokens[i];
    if (tok === undefined) throw new Error(`reading args for ${what}: no argument`);
    const eq = tok.indexOf('=');
    if (eq < 0) throw new Error(`reading args for ${what}: malformed argument: ${JSON.stringify(tok)}`);
    if (tok.slice(0, eq) !== name) throw new Error(`reading args for ${what}: expected argument "${name}", but got "${tok.slice(0, eq)}"`);
    const value = tok.slice(eq + 1);
    if (!/^\d+$/.test(value) || BigInt(value) >= 1n << 64n) throw new Error(`failed to parse argument value "${value}" for arg "${name}"`);
    return BigInt(value);
  });
}

/** Go's strconv.Unquote for "…" and `…` strings, to bytes (\x and octal escapes are raw bytes). */
export function unquoteGoBytes(quoted: string): number[] {
  const utf8 = (t: string) => [...new TextEncoder().encode(t)];
  if (quoted.length >= 2 && quoted[0] === '`' && quoted.at(-1) === '`') return utf8(quoted.slice(1, -1));
  if (quoted.length < 2 || quoted[0] !== '"' || quoted.at(-1) !== '"') throw new Error(`invalid syntax: ${quoted}`);
  const body = quoted.slice(1, -1);
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34, "'": 39 };
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      if (cp > 0xffff) i++;
      out.push(...utf8(String.fromCodePoint(cp)));
      continue;
    }
    const e = body[++i];
    if (e in simple) out.push(simple[e]);
    else if (e === 'x') { out.push(parseInt(body.slice(i + 1, i + 3), 16)); i += 2; }
    else if (e === 'u') { out.push(...utf8(String.fromCodePoint(parseInt(body.slice(i + 1, i + 5), 16)))); i += 4; }
    else if (e === 'U') { out.push(...utf8(String.fromCodePoint(parseInt(body.slice(i + 1, i + 9), 16)))); i += 8; }
    else if (e >= '0' && e <= '7') { out.push(parseInt(body.slice(i, i + 3), 8)); i += 2; }
    else throw new Error(`invalid escape \\${e}`);
  }
  return out;
}

/** strconv.Unquote to a JS string (UTF-8 decoded). */
export function unquoteGo(quoted: string): string {
  return new TextDecoder().decode(Uint8Array.from(unquoteGoBytes(quoted)));
}
