// The CLI's V8 flags are set at run time (v8.setFlagsFromString), after V8 has started: this
// checks that they still take effect, in a worker started afterwards too, by the OSR mode V8
// reports for a hot loop (a Node that froze its flags after start-up would fail it); and that
// they are set only on the V8 lines where they were measured to help.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { v8FlagsFor } from '../../server/cli/v8-tuning.ts';

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
  // The version strings of Node 20.20.2, 22.23.3, 24.11.1 and 26.12.1, where this was measured.
  it('asks for synchronous OSR on V8 11 and 12 (Node 20, 22) only', () => {
    expect(v8FlagsFor('11.3.244.8-node.38')).toEqual(['--no-concurrent-osr']);
    expect(v8FlagsFor('12.4.254.21-node.57')).toEqual(['--no-concurrent-osr']);
    // Node 24 and 26: the flag makes the timeline's finish 4× slower there.
    expect(v8FlagsFor('13.6.233.10-node.28')).toEqual([]);
    expect(v8FlagsFor('14.6.202.34-node.40')).toEqual([]);
    // Node 18 (V8 10): never measured.
    expect(v8FlagsFor('10.2.154.26-node.26')).toEqual([]);
  });

  const flags = v8FlagsFor(process.versions.v8);
  it.skipIf(flags.length === 0)("makes a worker started after it compile on-stack replacements synchronously (this Node's flags)", () => {
    const tuned = osrModes(flags);
    expect(tuned).toMatch(/kSynchronous/);
    expect(tuned).not.toMatch(/kConcurrent/);
    // The control: without the flags the same loop's replacement is compiled concurrently.
    expect(osrModes([])).toMatch(/kConcurrent/);
  });
});
