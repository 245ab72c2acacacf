// Starts a worker thread on a module of ours: the bundled file as is, or (tests, tsx) the
// TypeScript through tsx's loader. Each worker module checks workerData for its own mark at
// the bottom and runs its side only then (after bundling, every module shares one file).

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type TransferListItem } from 'node:worker_threads';

/** A worker running the module at `moduleUrl` (pass `import.meta.url`). */
export function startModuleWorker(moduleUrl: string, workerData: unknown, transferList: TransferListItem[] = []): Worker {
  const url = new URL(moduleUrl);
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData, transferList });
  // tsx's ESM entry (its CommonJS one cannot be imported): where its package.json points.
  const tsxPackage = createRequire(moduleUrl).resolve('tsx/package.json');
  const exports = JSON.parse(readFileSync(tsxPackage, 'utf8')).exports['./esm/api'].import.default as string;
  const tsx = pathToFileURL(join(dirname(tsxPackage), exports)).href;
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(boot, { eval: true, workerData, transferList });
}
