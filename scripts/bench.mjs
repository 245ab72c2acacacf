// npm run bench: measures tstrace against go tool trace on the same large, generated trace.
//
//   node scripts/bench.mjs [--mb=173 | --seconds=S] [--workers=48] [--trace=path] [--no-go-baseline]
//                          [--go-time=file] [--runs=3]
//
// Makes the trace with Go 1.27 from scripts/bench/bigtrace.go (never committed; kept in bench-out/):
// by default one of the issue's size (173 MB: 3 s of 48 busy goroutines on the machine it was
// measured on). A fixed run time would not do: the same 3 s wrote 138 to 166 MB here, depending
// on how busy the VM was, and a smaller trace flatters every figure. Then, in one run: tstrace
// -pprof=sched vs go tool trace -pprof=sched (wall, CPU, peak RSS, ratios, and whether
// `go tool pprof -top` prints the same for both files), the time until every analysis is ready
// in the server, timeline tile latency (p50/p95) over a scripted pan and zoom, and parse
// throughput in one thread and with the decode worker. Prints a Markdown table and appends it to
// docs/bench.md.
//
// go tool trace needs minutes and ~80x the trace size in memory on a big trace, so its figures
// and profile are kept in bench-out/ per trace (path, size, mtime) and reused by later runs;
// --go-time=file takes them from an earlier `/usr/bin/time -v -o file go tool trace -pprof=sched`
// run whose profile is next to it (file with .txt → .pb.gz).
//
// The served load is timed --runs times (3 by default) and the table gives the median run with
// the range: on a shared 2-core VM the same build's readiness varies by ±15% from minute to
// minute (the CPU it takes varies as much), so one sample says little.

import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readSync, renameSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { build } from 'esbuild';

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

// The CLI runs itself again with this set (server/cli/malloc-tuning.ts); set here, the process
// the bench starts and samples (/proc/<pid>/status) is the one doing the work.
process.env.MALLOC_MMAP_THRESHOLD_ ??= String(128 * 1024);

/** A served trace can keep its thread busy for long stretches: no request may hang the bench. */
const REQUEST_TIMEOUT_MS = 180_000;
const READY_TIMEOUT_MS = 20 * 60_000;
const getJson = (url) => fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }).then((r) => (r.ok ? r.json() : null)).catch(() => null);

/**
 * Reads `file` through once so that the run measured next finds it in the page cache: every run
 * of either tool then measures the work, not the disk. (A file left alone a few minutes can be
 * evicted even with memory free: this machine's kernel pages out idle memory by itself, and a
 * served load from a cold 183 MB trace took 24.5 s instead of 15.)
 */
function warmPageCache(file) {
  const fd = openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(8 << 20);
  try {
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

/**
 * Milliseconds for a fixed memory-bound loop (20 M scattered reads over 256 MB), timed before each
 * served run: a hint of the state a run met on a shared VM, where memory-bound code slows by up
 * to ~40% while compute-bound code does not. Only a hint: loads have been slow after a calm probe.
 */
function memoryProbeMs() {
  const values = new Float64Array(32 << 20).fill(1);
  const mask = values.length - 1;
  const t0 = performance.now();
  let sum = 0;
  for (let k = 0, i = 1; k < 2e7; k++) {
    i = (Math.imul(i, 1103515245) + 12345) | 0;
    sum += values[i & mask];
  }
  const ms = performance.now() - t0;
  return sum === 2e7 ? ms : NaN;
}

/** Runs a command under /usr/bin/time -v; returns wall s, cpu s, peak RSS MB. */
function measure(cmd, cmdArgs, { stdoutFile, timeFile = join(out, 'time.txt') } = {}) {
  const shell = `/usr/bin/time -v -o ${timeFile} ${[cmd, ...cmdArgs].map((a) => `'${a}'`).join(' ')} > ${stdoutFile ?? '/dev/null'}`;
  let ok = true;
  try { execFileSync('bash', ['-c', shell], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 }); } catch { ok = false; }
  return { ...readTimeFile(timeFile), ok: ok && existsSync(timeFile) };
}

/** The figures of a /usr/bin/time -v report. */
function readTimeFile(timeFile) {
  const text = readFileSync(timeFile, 'utf8');
  const num = (re) => Number(re.exec(text)?.[1] ?? NaN);
  const clock = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(text);
  const wall = clock ? Number(clock[1] ?? 0) * 3600 + Number(clock[2]) * 60 + Number(clock[3]) : NaN;
  const cpu = num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/);
  const rssMB = num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024;
  const ok = num(/Exit status: (\d+)/) === 0;
  return { ok, wall, cpu, rssMB };
}

/** go tool trace -pprof=sched on this trace: cached per trace, from --go-time, or run now. */
function goBaseline(trace) {
  const st = statSync(trace);
  const key = `${basename(trace)}-${st.size}-${Math.round(st.mtimeMs)}`;
  const cacheFile = join(out, `go-baseline-${key}.json`);
  const profile = join(out, `sched.go-${key}.pb.gz`);
  if (args['go-time']) {
    const timeFile = resolve(String(args['go-time']));
    const saved = timeFile.replace(/\.txt$/, '') + '.pb.gz';
    if (!existsSync(saved)) throw new Error(`--go-time: no profile ${saved} next to ${timeFile}`);
    copyFileSync(saved, profile);
    writeFileSync(cacheFile, JSON.stringify({ ...readTimeFile(timeFile), source: timeFile }));
  }
  if (existsSync(cacheFile) && existsSync(profile)) {
    log(`go tool trace -pprof=sched: figures from an earlier run (${cacheFile})`);
    return { ...JSON.parse(readFileSync(cacheFile, 'utf8')), profile, cached: true };
  }
  if (!haveGo || args['no-go-baseline']) return null;
  log('go tool trace -pprof=sched … (slow: this is the baseline)');
  warmPageCache(trace);
  const result = measure(goBin, ['tool', 'trace', '-pprof=sched', trace], { stdoutFile: profile, timeFile: join(out, 'time.go.txt') });
  if (result.ok) writeFileSync(cacheFile, JSON.stringify(result));
  return { ...result, profile, cached: false };
}

/** Whether `go tool pprof -top` prints the same table for both profiles (every node, to the µs). */
function samePprofTop(ours, theirs) {
  if (!haveGo) return null;
  const top = (file) => execFileSync(goBin, ['tool', 'pprof', '-top', '-nodecount=1000000', '-nodefraction=0', '-edgefraction=0', file], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, GOROOT: goRoot },
  }).split('\n').filter((line) => !/^(File|Main binary|Build ID|Type|Time|Duration):/.test(line));
  try {
    const a = top(ours);
    const b = top(theirs);
    return a.length === b.length && a.every((line, i) => line === b[i]);
  } catch { return null; }
}

/** Bundles scripts/bench-parse.ts (tsx would measure its own overhead: ~2.5x slower code). */
async function bundleParseBench() {
  const outfile = join(out, 'bench-parse.mjs');
  await build({ entryPoints: [join(root, 'scripts/bench-parse.ts')], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
  return outfile;
}

/** The issue's trace: 173 MB written by Go 1.27 (31.7 M events, 5.2 M goroutines). */
const ISSUE_TRACE_MB = 173;

function makeTrace() {
  if (args.trace) return resolve(String(args.trace));
  const seconds = args.seconds === undefined ? null : Number(args.seconds);
  const megabytes = seconds === null ? Number(args.mb ?? ISSUE_TRACE_MB) : null;
  const workers = Number(args.workers ?? 48);
  const size = seconds === null ? `${megabytes}MB` : `${seconds}s`;
  const trace = join(out, `big-${size}-${workers}w.trace`);
  if (existsSync(trace)) return trace;
  if (!haveGo) throw new Error('Go 1.27 is not installed (../shared/tools/install-go-toolchains.sh 1.27), and no --trace=path was given');
  const bin = join(out, 'bigtrace');
  execFileSync(goBin, ['build', '-o', bin, join(root, 'scripts/bench/bigtrace.go')], { env: { ...process.env, GOROOT: goRoot, GO111MODULE: 'off' }, stdio: 'inherit' });
  log(`writing a ${seconds === null ? `${megabytes} MB` : `${seconds} s`} trace with ${workers} busy goroutines…`);
  const length = seconds === null ? `-mb=${megabytes}` : `-seconds=${seconds}`;
  // Written under another name first: an interrupted run must not leave a short trace to reuse.
  const partial = `${trace}.partial`;
  execFileSync(bin, [length, `-workers=${workers}`, partial], { stdio: 'inherit' });
  renameSync(partial, trace);
  return trace;
}

async function serverReadiness(trace) {
  const probeMs = memoryProbeMs();
  warmPageCache(trace);
  const child = spawn(process.execPath, [cli, '--no-browser', '-http=127.0.0.1:0', trace], { stdio: ['ignore', 'pipe', 'pipe'] });
  const t0 = performance.now();
  let url = null;
  let output = '';
  const onData = (d) => { output += d; url ??= /http:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0] ?? null; };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let peakRssMB = 0;
  let pagesSeconds = null;
  const threads = new Map();
  const sampleRss = () => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      peakRssMB = Math.max(peakRssMB, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
      sampleThreadCpu(child.pid, threads);
    } catch { /* exited */ }
  };
  try {
    for (;;) {
      // Every 100 ms while parsing; every 20 ms once the pages are ready, so the timeline's
      // arrival is timed to within 20 ms without many requests to a busy server.
      await new Promise((r) => setTimeout(r, pagesSeconds === null ? 100 : 20));
      sampleRss();
      if (child.exitCode !== null) throw new Error(`server exited early: ${output.trim().split('\n').at(-1)}`);
      if (performance.now() - t0 > READY_TIMEOUT_MS) throw new Error(`not ready after ${READY_TIMEOUT_MS / 60_000} min`);
      if (!url) continue;
      const status = await getJson(`${url}/api/status`);
      if (status?.state === 'failed') throw new Error(`parse failed: ${status.error}`);
      if (status?.buildErrors) throw new Error(`could not build the ${status.buildErrors.join('; ')}`);
      if (status?.state !== 'ready') continue;
      // The timeline (built on its own thread) may come in after the other pages.
      pagesSeconds ??= (performance.now() - t0) / 1000;
      if (status.building.length === 0) break;
    }
    const readySeconds = (performance.now() - t0) / 1000;
    sampleRss();
    const cpuByThread = threadCpuSummary(child.pid, threads);
    const cpuSeconds = [...threads.values()].reduce((a, b) => a + b, 0);
    log(`server ready after ${fmt(readySeconds)} s (pages other than the timeline after ${fmt(pagesSeconds)} s); tiles …`);
    const tiles = await tileLatency(url);
    sampleRss();
    return { readySeconds, pagesSeconds, peakRssMB, cpuByThread, cpuSeconds, probeMs, ...tiles };
  } finally {
    child.kill('SIGTERM');
    // A server busy in a long synchronous step may not get to its SIGTERM handler soon.
    setTimeout(() => { if (child.exitCode === null) child.kill('SIGKILL'); }, 5000).unref();
  }
}

/**
 * CPU seconds (user + sys) of each thread of process `pid`, from /proc, into `threads` (tid →
 * seconds): sampled every 100 ms, so a worker thread that has exited keeps its last sample.
 */
function sampleThreadCpu(pid, threads) {
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(tid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch { /* the thread exited */ }
  }
}

/**
 * Where the server's CPU went until every page was ready: the main thread, then the busiest other
 * threads (the timeline's and the decode worker's, by rank: Node names no threads), then the rest.
 */
function threadCpuSummary(pid, threads) {
  const total = [...threads.values()].reduce((a, b) => a + b, 0);
  const main = threads.get(String(pid)) ?? 0;
  const others = [...threads].filter(([tid]) => tid !== String(pid)).map(([, s]) => s).sort((a, b) => b - a);
  const busiest = others.slice(0, 2);
  const rest = others.slice(2).reduce((a, b) => a + b, 0);
  return `${fmt(total)} s: main thread ${fmt(main)}, busiest other threads ${busiest.map((s) => fmt(s)).join(' and ')}, the rest ${fmt(rest)}`;
}

/** A scripted session: overview, zoom in by halves around the middle, then pan right a screen at a time. */
async function tileLatency(url) {
  const tracks = await getJson(`${url}/api/timeline/tracks`);
  if (!tracks) {
    log('the track list failed or timed out: no tiles');
    return { tileP50: NaN, tileP95: NaN, tiles: 0, tileErrors: 1 };
  }
  // Tiles are asked in the timeline's own time coordinates (its start/end).
  const start = tracks.startTime;
  const duration = Math.max(1, tracks.endTime - tracks.startTime);
  const trackIds = tracks.tracks.slice(0, 40).map((t) => t.id).join(',');
  const widthPx = 1600;
  const times = [];
  let errors = 0;
  let span = duration;
  let from = start;
  const get = async (s, e) => {
    const t0 = performance.now();
    const ok = await fetch(`${url}/api/timeline/tile?tracks=${encodeURIComponent(trackIds)}&start=${Math.round(s)}&end=${Math.round(e)}&resolution=${Math.max(1, (e - s) / widthPx)}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
      .then(async (res) => { await res.arrayBuffer(); return res.ok; })
      .catch(() => false);
    if (ok) times.push(performance.now() - t0);
    else errors++;
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
  return { tileTimes: times, tileErrors: errors };
}

/** The p-th quantile (0…1) of `times` (NaN for none). */
function percentile(times, p) {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/**
 * serverReadiness `runs` times: the median run (by time until every page is ready), the range of
 * both readiness times, every run's CPU, the highest peak RSS, and the tiles of all runs pooled.
 */
async function servedRuns(trace, runs) {
  const done = [];
  const errors = [];
  for (let i = 0; i < runs; i++) {
    log(`served run ${i + 1} of ${runs} …`);
    try { done.push(await serverReadiness(trace)); } catch (e) { errors.push(e.message); }
  }
  if (done.length === 0) return { error: errors[0] ?? 'no runs' };
  const byReady = [...done].sort((a, b) => a.readySeconds - b.readySeconds);
  // The upper middle run for an even count: the median is not flattered.
  const median = byReady[Math.floor(byReady.length / 2)];
  const tileTimes = done.flatMap((r) => r.tileTimes);
  return {
    ...median,
    runs: done.length,
    failedRuns: errors.length,
    readyAll: done.map((r) => r.readySeconds),
    pagesAll: done.map((r) => r.pagesSeconds),
    cpuAll: done.map((r) => r.cpuSeconds),
    probeAll: done.map((r) => r.probeMs),
    peakRssMB: Math.max(...done.map((r) => r.peakRssMB)),
    tileP50: percentile(tileTimes, 0.5),
    tileP95: percentile(tileTimes, 0.95),
    tiles: tileTimes.length,
    tileErrors: done.reduce((n, r) => n + r.tileErrors, 0),
  };
}

const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '–');

async function main() {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build (npm run bench does)');
  const trace = makeTrace();
  const sizeMB = statSync(trace).size / 1e6;
  log(`trace ${trace}: ${fmt(sizeMB)} MB`);

  const load = loadavg().map((l) => l.toFixed(1)).join(' ');
  log('tstrace -pprof=sched …');
  const oursProfile = join(out, 'sched.tstrace.pb.gz');
  warmPageCache(trace);
  const ours = measure(process.execPath, [cli, '-pprof=sched', trace], { stdoutFile: oursProfile });
  const theirs = goBaseline(trace);
  const same = theirs?.ok && ours.ok ? samePprofTop(oursProfile, theirs.profile) : null;
  log('server readiness and tile latency …');
  const runs = Math.max(1, Math.floor(Number(args.runs ?? 3)));
  const server = await servedRuns(trace, runs);
  log('parse throughput …');
  let parse = [];
  try {
    const parseBench = await bundleParseBench();
    warmPageCache(trace);
    const text = execFileSync(process.execPath, [parseBench, trace, '1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    parse = text.trim().split('\n');
  } catch (e) { parse = [`failed: ${e.message.split('\n')[0]}`]; }

  const date = new Date().toISOString().slice(0, 10);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const ratio = (a, b) => (theirs?.ok && Number.isFinite(a) && Number.isFinite(b) && a > 0 ? `${fmt(b / a)}×` : '–');
  const goCell = (v, digits) => (theirs ? fmt(v, digits) + (theirs.ok ? '' : ' (failed)') : 'not run');
  // Every run's time in run order, after the median: how much the machine moved between runs.
  const spread = (all) => (all?.length > 1 ? ` (runs: ${all.map((t) => fmt(t)).join(' / ')})` : '');
  const runsNote = server.runs > 1 ? `, median of ${server.runs} runs${server.failedRuns ? ` (${server.failedRuns} failed)` : ''}` : '';
  const lines = [
    `### ${date} — ${fmt(sizeMB)} MB Go 1.27 trace (${machine}; load average ${load} at the start)`,
    '',
    '| measure | tstrace | go tool trace | go / tstrace |',
    '|---|---|---|---|',
    `| -pprof=sched wall (s) | ${fmt(ours.wall)}${ours.ok ? '' : ' (failed)'} | ${goCell(theirs?.wall)}${theirs?.cached ? ' (earlier run)' : ''} | ${ratio(ours.wall, theirs?.wall)} |`,
    `| -pprof=sched CPU, user + sys (s) | ${fmt(ours.cpu)} | ${goCell(theirs?.cpu)} | ${ratio(ours.cpu, theirs?.cpu)} |`,
    `| -pprof=sched peak RSS (MB) | ${fmt(ours.rssMB, 0)} | ${goCell(theirs?.rssMB, 0)} | ${ratio(ours.rssMB, theirs?.rssMB)} |`,
    `| -pprof=sched profile, pprof -top | ${same === null ? 'not compared' : same ? 'same as go tool trace' : '**differs from go tool trace**'} | | |`,
    `| every page ready (s)${runsNote} | ${server.error ? `failed: ${server.error}` : fmt(server.readySeconds) + spread(server.readyAll)} | | |`,
    `| every page but the timeline ready (s) | ${server.error ? '–' : fmt(server.pagesSeconds) + spread(server.pagesAll)} | | |`,
    `| server CPU until every page is ready, user + sys | ${server.cpuByThread ?? '–'}${server.cpuAll?.length > 1 ? ` (the median run; every run: ${server.cpuAll.map((c) => fmt(c)).join(' / ')} s)` : ''} | | |`,
    `| server peak RSS (MB) | ${fmt(server.peakRssMB, 0)} | | |`,
    `| machine state: memory-bound probe before each served run (ms) | ${server.probeAll?.map((ms) => fmt(ms, 0)).join(' / ') ?? '–'} | | |`,
    `| timeline tile p50 / p95 (ms, ${server.tiles ?? 0} tiles${server.tileErrors ? `, ${server.tileErrors} failed` : ''}) | ${fmt(server.tileP50)} / ${fmt(server.tileP95)} | | |`,
    ...parse.map((line) => `| parse throughput | ${line.replace(/ \[checksum \d+\]$/, '')} | | |`),
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
