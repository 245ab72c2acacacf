// Shared set-up for the browser tests: build the client and CLI, start the built server on a
// fixture trace (a real listening process, as a user runs it), and drive Debian's chromium
// through playwright-core with a fresh profile. Tests skip with a reason when chromium is absent.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const defaultFixture = join(repoRoot, 'fixtures', 'go1.27', 'demo.trace');

/** Why the browser tests cannot run here, or null if they can. */
export function browserSkipReason(fixture = defaultFixture): string | null {
  if (!existsSync(chromiumPath)) return `${chromiumPath} is not installed (apt-get install chromium; CI installs it)`;
  if (!existsSync(fixture)) return `fixture ${fixture} is missing`;
  return null;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const st = statSync(full);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(full) : st.mtimeMs);
  }
  return newest;
}

function isBuildFresh(): boolean {
  const outputs = [join(repoRoot, 'dist', 'cli.js'), join(repoRoot, 'dist', 'client', 'main.js'), join(repoRoot, 'dist', 'client', 'index.html')];
  if (!outputs.every((f) => existsSync(f))) return false;
  const built = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  const sources = Math.max(...['client', 'server', 'parser'].map((d) => newestMtime(join(repoRoot, d))));
  return built >= sources;
}

/**
 * Builds dist/ (esbuild: a few seconds) unless it is newer than every source. Test files run
 * in parallel, so builds are serialised with a lock directory: two builds writing dist/ at
 * once would hand a server a half-written bundle.
 */
export function buildClient(): void {
  const lock = join(repoRoot, 'dist', '.build-lock');
  mkdirSync(join(repoRoot, 'dist'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${lock} held for two minutes; remove it if no build is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    if (!isBuildFresh()) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, stdio: 'pipe' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface RunningServer {
  url: string;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts `node dist/cli.js --no-browser -http=127.0.0.1:0 <trace>` and waits for its URL. */
export async function startServer(trace = defaultFixture): Promise<RunningServer> {
  const child = spawn(process.execPath, ['dist/cli.js', '--no-browser', '-http=127.0.0.1:0', trace], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BROWSER: '' },
  });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not print its URL within 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[0]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before printing its URL:\n${output}`));
    });
  });
  return {
    url,
    process: child,
    output: () => output,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

export interface Browser {
  context: BrowserContext;
  close: () => Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'tstrace-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Collects console errors and uncaught exceptions of a page. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`exception: ${error.message}`));
  return errors;
}

/** Text content through open shadow roots (Lit elements), for assertions on what a user sees. */
export async function deepText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const parts: string[] = [];
    const walk = (node: Node) => {
      if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
      const el = node as Element;
      if (el.shadowRoot) walk(el.shadowRoot);
      node.childNodes.forEach(walk);
    };
    walk(document.body);
    return parts.join(' ').replace(/\s+/g, ' ');
  });
}

/** Waits until no element (through shadow roots) has the class "loading". */
export async function waitForLoaded(page: Page, timeoutMs = 15_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const find = (root: Document | ShadowRoot): boolean => {
        if (root.querySelector('.loading, tt-loading')) return true;
        for (const el of root.querySelectorAll('*')) if (el.shadowRoot && find(el.shadowRoot)) return true;
        return false;
      };
      return document.querySelector('tt-app')?.shadowRoot?.querySelector('main') && !find(document);
    },
    undefined,
    { timeout: timeoutMs },
  );
}
