// Opens the viewer in the user's browser: $BROWSER first (as Go's cmd/internal/browser does,
// run with the URL as its only argument), else the platform default through the `open` package.

import { spawn } from 'node:child_process';

export interface BrowserOptions {
  env: NodeJS.ProcessEnv;
  /** Reports why the browser could not be opened (one line); the server keeps running. */
  warn: (message: string) => void;
}

export async function openBrowser(url: string, { env, warn }: BrowserOptions): Promise<void> {
  const command = env.BROWSER;
  if (command) {
    await new Promise<void>((resolve) => {
      const child = spawn(command, [url], { stdio: 'ignore', detached: true });
      child.once('error', (err) => {
        warn(`could not run $BROWSER (${command}): ${err.message}; open ${url} yourself`);
        resolve();
      });
      child.once('spawn', () => {
        child.unref();
        resolve();
      });
    });
    return;
  }
  try {
    const { default: open } = await import('open');
    const child = await open(url);
    child.once('error', (err) => warn(`could not open a browser: ${err.message}; open ${url} yourself`));
  } catch (err) {
    warn(`could not open a browser: ${(err as Error).message}; open ${url} yourself`);
  }
}
