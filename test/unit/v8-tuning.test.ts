// The CLI's V8 flags are set at run time (v8.setFlagsFromString), after V8 has started: this
// checks that they still take effect, in a worker started afterwards too, by the OSR mode V8
// reports for a hot loop (a Node that froze its flags after start-up would fail it).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { V8_FLAGS } from '../../server/cli/v8-tuning.ts';

function osrModes(flags: readonly string[]): string {
  const script = `
    import { setFlagsFromString } from 'node:v8';
    import { Worker } from 'node:worker_threads';
    for (const flag of ${JSON.stringify(flags)}) setFlagsFromString(flag);
    const worker = new Worker('let s = 0; for (let i = 0; i < 3e7; i++) s = (s + i * 3) % 1000003;', { eval: true });
    await new Promise((resolve) => worker.on('exit', resolve));
  `;
  const run = spawnSync(process.execPath, ['--trace-osr', '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(run.status).toBe(0);
  return [...run.stdout.matchAll(/OSR - compilation started.*mode: ConcurrencyMode::(\w+)/g)].map((m) => m[1]).join(' ');
}

describe('V8 tuning', () => {
  it('makes a worker started after it compile on-stack replacements synchronously', () => {
    expect(V8_FLAGS).toContain('--no-concurrent-osr');
    const tuned = osrModes(V8_FLAGS);
    expect(tuned).toMatch(/kSynchronous/);
    expect(tuned).not.toMatch(/kConcurrent/);
    // The control: without the flags the same loop's replacement is compiled concurrently.
    expect(osrModes([])).toMatch(/kConcurrent/);
  });
});
