// npm run bench: measures tstrace against go tool trace on the same large, generated trace.
//
//   node scripts/bench.mjs [--seconds=3] [--workers=48] [--trace=path] [--no-go-baseline]
//
// Makes the trace with Go 1.27 from scripts/bench/bigtrace.go (never committed; kept in bench-out/),
// then, in one run: tstrace -pprof=sched vs go tool trace -pprof=sched (wall, CPU, peak RSS, ratios),
// the time until every analysis is ready in the server, timeline tile latency (p50/p95) over a
// scripted pan and zoom, and parse throughput. Prints a Markdown table and appends it to docs/bench.md.

import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, statSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).map((a) => {
  const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
  return m ? [m[1], m[2] ?? true] : [a, true];
}));
const root = resolve(import.meta.dirname, '..');
const out = join(root, 'bench-out');
mkdirSync(out, { recursive: true });
const goRoot = '/usr/lib/go-1.27';
const goBin = join(goRoot, 'bin/go');
const haveGo = existsSync(goBin);
const cli = join(root, 'dist/cli.js');

function log(msg) { process.stderr.write(`bench: ${msg}\n`); }

/** Runs a command under /usr/bin/time -v; returns wall s, cpu s, peak RSS MB, and its stdout size. */
function measure(cmd, cmdArgs, { stdoutFile } = {}) {
  const timeFile = join(out, 'time.txt');
  const shell = `/usr/bin/time -v -o ${timeFile} ${[cmd, ...cmdArgs].map((a) => `'${a}'`).join(' ')} > ${stdoutFile ?? '/dev/null'}`;
  const t0 = performance.now();
  let ok = true;
  try { execFileSync('bash', ['-c', shell], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 }); } catch { ok = false; }
  const wall = (performance.now() - t0) / 1000;
  const text = readFileSync(timeFile, 'utf8');
  const num = (re) => Number(re.exec(text)?.[1] ?? NaN);
  const cpu = num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/);
  const rssMB = num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024;
  return { ok, wall, cpu, rssMB };
}

function makeTrace() {
  if (args.trace) return resolve(String(args.trace));
  const seconds = Number(args.seconds ?? 3);
  const workers = Number(args.workers ?? 48);
  const trace = join(out, `big-${seconds}s-${workers}w.trace`);
  if (existsSync(trace)) return trace;
  if (!haveGo) throw new Error('Go 1.27 is not installed (../shared/tools/install-go-toolchains.sh 1.27), and no --trace=path was given');
  const bin = join(out, 'bigtrace');
  execFileSync(goBin, ['build', '-o', bin, join(root, 'scripts/bench/bigtrace.go')], { env: { ...process.env, GOROOT: goRoot, GO111MODULE: 'off' }, stdio: 'inherit' });
  log(`writing a ${seconds} s trace with ${workers} busy goroutines…`);
  execFileSync(bin, [`-seconds=${seconds}`, `-workers=${workers}`, trace], { stdio: 'inherit' });
  return trace;
}

async function serverReadiness(trace) {
  const child = spawn(process.execPath, [cli, '--no-browser', '-http=127.0.0.1:0', trace], { stdio: ['ignore', 'pipe', 'pipe'] });
  const t0 = performance.now();
  let url = null;
  let output = '';
  const onData = (d) => { output += d; url ??= /http:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0] ?? null; };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let peakRssMB = 0;
  const sampleRss = () => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      peakRssMB = Math.max(peakRssMB, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
    } catch { /* exited */ }
  };
  try {
    for (;;) {
      await new Promise((r) => setTimeout(r, 100));
      sampleRss();
      if (child.exitCode !== null) throw new Error(`server exited early: ${output.trim().split('\n').at(-1)}`);
      if (!url) continue;
      const status = await fetch(`${url}/api/status`).then((r) => r.json()).catch(() => null);
      if (status?.state === 'ready') break;
      if (status?.state === 'failed') throw new Error(`parse failed: ${status.error}`);
    }
    const readySeconds = (performance.now() - t0) / 1000;
    const tiles = await tileLatency(url);
    sampleRss();
    return { readySeconds, peakRssMB, ...tiles };
  } finally {
    child.kill('SIGTERM');
  }
}

/** A scripted session: overview, zoom in by halves around the middle, then pan right a screen at a time. */
async function tileLatency(url) {
  const meta = await fetch(`${url}/api/trace`).then((r) => r.json());
  const tracks = await fetch(`${url}/api/timeline/tracks`).then((r) => r.json()).catch(() => null);
  if (!tracks) return { tileP50: NaN, tileP95: NaN, tiles: 0 };
  const start = meta.startTime ?? 0;
  const duration = meta.durationNs ?? meta.duration ?? 1e9;
  const trackIds = (tracks.tracks ?? tracks).slice(0, 40).map((t) => t.id).join(',');
  const widthPx = 1600;
  const times = [];
  let span = duration;
  let from = start;
  const get = async (s, e) => {
    const t0 = performance.now();
    const res = await fetch(`${url}/api/timeline/tile?tracks=${encodeURIComponent(trackIds)}&start=${Math.round(s)}&end=${Math.round(e)}&resolution=${Math.max(1, Math.round((e - s) / widthPx))}`);
    await res.arrayBuffer();
    times.push(performance.now() - t0);
  };
  for (let zoom = 0; zoom < 12; zoom++) {
    await get(from, from + span);
    from += span / 4;
    span /= 2;
  }
  for (let pan = 0; pan < 20; pan++) {
    await get(from, from + span);
    from += span / 2;
  }
  times.sort((a, b) => a - b);
  const pct = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  return { tileP50: pct(0.5), tileP95: pct(0.95), tiles: times.length };
}

const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '–');

async function main() {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build (npm run bench does)');
  const trace = makeTrace();
  const sizeMB = statSync(trace).size / 1e6;
  log(`trace ${trace}: ${fmt(sizeMB)} MB`);

  log('tstrace -pprof=sched …');
  const ours = measure(process.execPath, [cli, '-pprof=sched', trace], { stdoutFile: join(out, 'sched.tstrace.pb.gz') });
  let theirs = null;
  if (haveGo && !args['no-go-baseline']) {
    log('go tool trace -pprof=sched … (slow: this is the baseline)');
    theirs = measure(goBin, ['tool', 'trace', '-pprof=sched', trace], { stdoutFile: join(out, 'sched.go.pb.gz') });
  }
  log('server readiness and tile latency …');
  const server = await serverReadiness(trace).catch((e) => ({ error: e.message }));
  let parse = null;
  try {
    const text = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/bench-parse.ts'), trace], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    parse = text.trim().split('\n').at(-1);
  } catch (e) { parse = `failed: ${e.message.split('\n')[0]}`; }

  const date = new Date().toISOString().slice(0, 10);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const ratio = (a, b) => (theirs?.ok && Number.isFinite(a) && Number.isFinite(b) && a > 0 ? `${fmt(b / a)}×` : '–');
  const lines = [
    `### ${date} — ${fmt(sizeMB)} MB Go 1.27 trace (${machine})`,
    '',
    '| measure | tstrace | go tool trace | go / tstrace |',
    '|---|---|---|---|',
    `| -pprof=sched wall (s) | ${fmt(ours.wall)}${ours.ok ? '' : ' (failed)'} | ${theirs ? fmt(theirs.wall) + (theirs.ok ? '' : ' (failed)') : 'not run'} | ${ratio(ours.wall, theirs?.wall)} |`,
    `| -pprof=sched CPU (s) | ${fmt(ours.cpu)} | ${theirs ? fmt(theirs.cpu) : 'not run'} | ${ratio(ours.cpu, theirs?.cpu)} |`,
    `| -pprof=sched peak RSS (MB) | ${fmt(ours.rssMB, 0)} | ${theirs ? fmt(theirs.rssMB, 0) : 'not run'} | ${ratio(ours.rssMB, theirs?.rssMB)} |`,
    `| every page ready (s) | ${server.error ? `failed: ${server.error}` : fmt(server.readySeconds)} | | |`,
    `| server peak RSS (MB) | ${fmt(server.peakRssMB, 0)} | | |`,
    `| timeline tile p50 / p95 (ms, ${server.tiles ?? 0} tiles) | ${fmt(server.tileP50)} / ${fmt(server.tileP95)} | | |`,
    `| parse throughput | ${parse} | | |`,
    '',
  ];
  const table = lines.join('\n');
  process.stdout.write(table + '\n');
  mkdirSync(join(root, 'docs'), { recursive: true });
  appendFileSync(join(root, 'docs/bench.md'), table + '\n');
}

main().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exit(1);
});
