// Makes fixtures/invalid/fuzz/: (1) hand-made absurd lengths and ids in real traces, (2) the
// inputs of fuzz findings (a findings folder written by the fuzzer, given as arguments), and
// expected.json with what go tool trace 1.27 says about each file (-d=parsed: its error,
// verbatim, and how many events it printed). Existing entries are kept; files are re-judged.
//   npx tsx test/fuzz/make-fuzz-fixtures.ts [/tmp/tstrace-fuzz ...]
// GO_TRACE_GOROOT picks the Go that judges (default /usr/lib/go-1.27).

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { batchesOf, editBatch, insertBytes, replaceVarint, setBatchField, varint, varintLength } from './craft.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = join(root, 'fixtures/invalid/fuzz');
const goroot = process.env.GO_TRACE_GOROOT ?? '/usr/lib/go-1.27';

export interface FuzzFixture {
  /** How the file was made. */
  made: string;
  /** go tool trace -d=parsed's error (stderr, trimmed), or null when it printed everything. */
  error: string | null;
  /** Events (lines starting "M=") -d=parsed printed. */
  eventsPrinted: number;
  judgedBy: string;
}

const read = (p: string) => new Uint8Array(readFileSync(join(root, 'fixtures', p)));
const EV = { Stacks: 2, Strings: 4, Frequency: 8, ProcStatus: 13, Sync: 50 } as const;
const NO_THREAD = 2n ** 64n - 1n;
const GO_WAITING = 4n;

/** The first event batch of a real M (not the runtime's M = -1 batches). */
function firstMBatch(trace: Uint8Array) {
  return batchesOf(trace).find((b) => trace[b.fields[1]] !== 0xff && trace[b.dataAt] === EV.ProcStatus)!;
}

function crafted(): Record<string, [Uint8Array, string]> {
  const out: Record<string, [Uint8Array, string]> = {};
  for (const [tag, path] of [['go126', 'go1.27/longlived.trace'], ['go123', 'go1.23/longlived.trace']] as const) {
    const t = read(path);
    const strings = batchesOf(t, EV.Strings)[0];
    const stacks = batchesOf(t, EV.Stacks)[0];
    const m = firstMBatch(t);
    const sync = batchesOf(t).find((b) => t[b.dataAt] === (tag === 'go126' ? EV.Sync : EV.Frequency))!;
    // Strings batch: [Strings, String, id, len, bytes...]; stacks batch: [Stacks, Stack, id, nframes, ...].
    const afterId = (data: Uint8Array) => 2 + varintLength(data, 2);
    const goStatus = (g: bigint) => [25, 0, ...varint(g), ...varint(NO_THREAD), ...varint(GO_WAITING)];
    out[`${tag}-batch-size-4GiB.trace`] = [setBatchField(t, m, 3, 2n ** 32n), `${path} with its first M batch's size set to 2^32 (a batch claiming 4 GiB)`];
    out[`${tag}-string-length-2^40.trace`] = [editBatch(t, strings, (d) => replaceVarint(d, afterId(d), 2n ** 40n)), `${path} with its first string's length set to 2^40`];
    out[`${tag}-stack-frames-2^31.trace`] = [editBatch(t, stacks, (d) => replaceVarint(d, afterId(d), 2n ** 31n)), `${path} with its first stack's frame count set to 2^31`];
    out[`${tag}-goroutine-id-2^40.trace`] = [editBatch(t, m, (d) => insertBytes(d, 0, goStatus(2n ** 40n))), `${path} with a waiting goroutine of id 2^40 added to its first M batch`];
    out[`${tag}-goroutine-id-2^63-1.trace`] = [editBatch(t, m, (d) => insertBytes(d, 0, goStatus(2n ** 63n - 1n))), `${path} with a waiting goroutine of id 2^63-1 added to its first M batch`];
    out[`${tag}-thread-id-2^62.trace`] = [setBatchField(t, m, 1, 2n ** 62n), `${path} with its first M batch's thread id set to 2^62`];
    out[`${tag}-batch-time-2^64-1.trace`] = [setBatchField(t, m, 2, 2n ** 64n - 1n), `${path} with its first M batch's base time set to 2^64-1`];
    // Go's message lists both stacks one frame per line: thrown, ours must still be one line.
    out[`${tag}-stacks-batch-twice.trace`] = [join3(t.subarray(0, stacks.end), t.subarray(stacks.start, stacks.end), t.subarray(stacks.end)), `${path} with its first stacks batch written twice (duplicate stack ids)`];
    const freqAt = tag === 'go126' ? 2 : 1;
    out[`${tag}-frequency-0.trace`] = [editBatch(t, sync, (d) => replaceVarint(d, freqAt, 0n)), `${path} with its frequency set to 0 ticks per second`];
  }
  // Headers Go's Fscanf("go 1.%d trace\0\0\0") reads as unknown versions, or not at all.
  const body = read('go1.27/longlived.trace').subarray(16);
  for (const version of ['5', '20', '27', '123', '4294967295', '4294967296']) {
    const header = new TextEncoder().encode(`go 1.${version} trace\0\0\0`);
    out[`header-go1.${version}.trace`] = [join3(header, [], body), `go1.27/longlived.trace with the header "go 1.${version} trace\\0\\0\\0"`];
  }
  out['header-only-go1.26.trace'] = [new TextEncoder().encode('go 1.26 trace\0\0\0'), 'the 16-byte header "go 1.26 trace\\0\\0\\0" and nothing else'];
  out['header-only-go1.21.trace'] = [new TextEncoder().encode('go 1.21 trace\0\0\0'), 'the 16-byte header "go 1.21 trace\\0\\0\\0" and nothing else'];
  // v1: events found by walking the body as Go's tracev1 reader does.
  const v1Path = 'go1.21/sync.trace';
  const v1 = read(v1Path);
  const str = v1Events(v1).find((e) => e.typ === V1_STRING)!;
  const lenAt = str.at + 1 + varintLength(v1, str.at + 1);
  out['v1-string-length-2^40.trace'] = [join3(v1.subarray(0, lenAt), varint(2n ** 40n), v1.subarray(lenAt + varintLength(v1, lenAt))), `${v1Path} with its first string's length set to 2^40`];
  const stack = v1Events(v1).find((e) => e.typ === V1_STACK && e.prefixed)!;
  const argsAt = stack.at + 1 + varintLength(v1, stack.at + 1); // after the length prefix
  const argsLen = Number(decode(v1, stack.at + 1));
  const frameCountAt = argsAt + varintLength(v1, argsAt); // after the stack id
  const args = replaceVarint(v1.slice(argsAt, argsAt + argsLen), frameCountAt - argsAt, 2n ** 31n);
  out['v1-stack-frames-2^31.trace'] = [join3(v1.subarray(0, stack.at + 1), varint(args.length), join3(args, [], v1.subarray(argsAt + argsLen))), `${v1Path} with its first stack's frame count set to 2^31`];
  out['v1-args-length-4GiB.trace'] = [join3(v1.subarray(0, stack.at + 1), varint(2n ** 32n), v1.subarray(argsAt)), `${v1Path} with its first stack's argument length prefix set to 2^32`];
  return out;
}

const V1_STACK = 3;
const V1_STRING = 37;
const V1_USER_LOG = 48;

/** The events of a v1 trace: type, start offset, whether its args are length-prefixed. */
function v1Events(b: Uint8Array): { typ: number; at: number; prefixed: boolean }[] {
  const out: { typ: number; at: number; prefixed: boolean }[] = [];
  let p = 16;
  const skip = () => { p += varintLength(b, p); };
  while (p < b.length) {
    const at = p;
    const typ = b[p] & 0x3f;
    const narg = (b[p] >> 6) + 1;
    p++;
    if (typ === V1_STRING) {
      skip();
      const len = Number(decode(b, p));
      skip();
      p += len;
    } else if (narg <= 3) {
      for (let i = 0; i < narg; i++) skip();
    } else {
      const len = Number(decode(b, p));
      skip();
      p += len;
      if (typ === V1_USER_LOG) {
        const s = Number(decode(b, p));
        skip();
        p += s;
      }
    }
    out.push({ typ, at, prefixed: narg > 3 });
  }
  return out;
}

function decode(b: Uint8Array, p: number): bigint {
  let v = 0n;
  for (let s = 0n; ; s += 7n) {
    const c = b[p++];
    v |= BigInt(c & 0x7f) << s;
    if (c < 0x80) return v;
  }
}

function join3(a: ArrayLike<number>, b: ArrayLike<number>, c: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(a.length + b.length + c.length);
  out.set(a, 0);
  out.set(b, a.length);
  out.set(c, a.length + b.length);
  return out;
}

function judge(path: string): Omit<FuzzFixture, 'made'> {
  const env = { ...process.env, GOROOT: goroot, GO111MODULE: 'off', GOTOOLCHAIN: 'local', GOFLAGS: '' };
  const r = spawnSync(`${goroot}/bin/go`, ['tool', 'trace', '-d=parsed', path], { env, maxBuffer: 1 << 30, timeout: 300_000 });
  if (r.error) throw r.error;
  const printed = (r.stdout.toString('utf8').match(/^M=/gm) ?? []).length;
  const version = spawnSync(`${goroot}/bin/go`, ['version'], { env }).stdout.toString().trim();
  return { error: r.status === 0 ? null : r.stderr.toString('utf8').trim(), eventsPrinted: printed, judgedBy: version };
}

mkdirSync(outDir, { recursive: true });
const expectedPath = join(outDir, 'expected.json');
const expected: Record<string, FuzzFixture> = existsSync(expectedPath) ? JSON.parse(readFileSync(expectedPath, 'utf8')) : {};
const made: Record<string, string> = {};
for (const [name, [bytes, how]] of Object.entries(crafted())) {
  writeFileSync(join(outDir, name), bytes);
  made[name] = how;
}
for (const dir of process.argv.slice(2)) {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.trace'))) {
    const about = JSON.parse(readFileSync(join(dir, file.replace(/\.trace$/, '.json')), 'utf8'));
    copyFileSync(join(dir, file), join(outDir, basename(file)));
    made[file] = `fuzz finding (${about.kind ?? about.reason}: ${(about.message ?? about.detail ?? '').split('\n')[0]}): seed ${about.runSeed}, input ${about.index}, ${about.seedId ?? ''} with ${(about.mutations ?? []).join(' + ')}`;
  }
}
for (const name of Object.keys({ ...expected, ...made }).sort()) {
  expected[name] = { made: made[name] ?? expected[name].made, ...judge(join(outDir, name)) };
  process.stdout.write(`${name}: ${expected[name].error ?? `ok, ${expected[name].eventsPrinted} events`}\n`);
}
writeFileSync(expectedPath, JSON.stringify(expected, null, 2) + '\n');
